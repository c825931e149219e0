"""Idempotency-Key: the same key replayed returns the first answer, never a second effect.

The stored answer (status and exact body) is written in the same SQLite transaction as
the effect itself, so a crash can never leave a stamp without its record or the other
way round. Keys are scoped per caller (device or staff member). The same key with a
different request (method, path or body) is a client bug: 422 idempotency_key_reused.
Business errors (cooldown, already redeemed, ...) are stored too: a replay gets the same
answer as the first attempt. Validation errors happen before this and are not stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse

from refserver.clock import iso
from refserver.context import Context
from refserver.problems import MEDIA_TYPE, Problem

# a route parameter `key: IdempotencyKey = None` (absent: the action is not deduplicated)
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="a unique key per action (a UUID); replays return the first answer",
    ),
]


def request_hash(method: str, path: str, body: Any) -> str:
    canon = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()


def _response(status: int, body: dict[str, Any], replay: bool) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if replay else {}
    if status >= 400 and "retry_after" in body:
        headers["Retry-After"] = str(int(body["retry_after"]))
    media = MEDIA_TYPE if status >= 400 else "application/json"
    return JSONResponse(body, status_code=status, media_type=media, headers=headers)


def run_once(
    c: Context,
    *,
    scope: str,
    key: str | None,
    fingerprint: str,
    op: Callable[[sqlite3.Connection], tuple[int, dict[str, Any]]],
) -> JSONResponse:
    """Run `op` in one write transaction, or replay the stored answer for this key.

    `op` must raise Problem before it writes anything (check first, then write).
    """
    with c.db.tx(write=True) as conn:
        if key:
            row = conn.execute(
                "SELECT request_hash, status, body FROM idempotency WHERE scope=? AND key=?",
                (scope, key),
            ).fetchone()
            if row:
                if row["request_hash"] != fingerprint:
                    raise Problem("idempotency_key_reused", "this key was used for another request")
                return _response(row["status"], json.loads(row["body"]), replay=True)
        try:
            status, body = op(conn)
        except Problem as p:
            if not key:
                raise
            status, body = p.status, p.body()
        if key:
            conn.execute(
                "INSERT INTO idempotency(scope, key, request_hash, status, body, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (scope, key, fingerprint, status, json.dumps(body), iso(c.clock.now())),
            )
    return _response(status, body, replay=False)
