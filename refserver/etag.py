"""ETag and If-None-Match for GET /device: a kiosk that polls its cloud settings gets
304 Not Modified, no body, while nothing changed.

The tag is a hash of the exact JSON body, so any field any route adds (languages,
timeouts, slides, ...) changes it with no list to keep in step.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse


def etag_of(body: dict[str, Any]) -> str:
    canon = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return '"' + hashlib.sha256(canon).hexdigest()[:32] + '"'


def matches(header: str | None, tag: str) -> bool:
    """If-None-Match: a list of tags, weak ones (W/) compared weakly, or "*"."""
    if not header:
        return False
    wanted = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in wanted or tag in wanted


def conditional_json(request: Request, body: dict[str, Any]) -> Response:
    """200 with the body and its ETag, or 304 with the ETag alone when the kiosk has it."""
    tag = etag_of(body)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return JSONResponse(body, headers=headers)
