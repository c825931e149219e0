"""RFC 9457 problem+json errors with stable machine codes.

The codes are the contract (kiosk/api/errors.py maps each to one exception class); the
titles are for people. Every error the server can produce goes through here, including
validation errors and unexpected exceptions, so a client never sees an HTML page or a
bare 500 with a traceback.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("refserver")

MEDIA_TYPE = "application/problem+json"

# code -> (status, title)
CODES: dict[str, tuple[int, str]] = {
    "validation_error": (422, "The request is not valid"),
    "malformed_json": (400, "The body is not valid JSON"),
    "unauthorized": (401, "Missing or invalid credentials"),
    "forbidden": (403, "Not allowed with these credentials"),
    "phone_cannot_redeem": (403, "A phone number earns stamps and never redeems"),
    "phone_not_found": (404, "No card for this number"),
    "not_found": (404, "No such resource"),
    "card_not_found": (404, "No such card"),
    "voucher_not_found": (404, "No such voucher"),
    "program_not_found": (404, "No such program"),
    "shop_not_found": (404, "No such shop"),
    "method_not_allowed": (405, "Method not allowed"),
    "cooldown_active": (409, "This card was stamped moments ago"),
    "daily_limit_reached": (409, "This card has collected today's stamps"),
    "voucher_already_redeemed": (409, "This voucher was already redeemed"),
    "redeem_code_taken": (409, "This redeem code is already used in this program"),
    "voucher_expired": (410, "This voucher has expired"),
    "voucher_not_self_redeemable": (422, "This voucher must be redeemed by staff"),
    "voucher_not_yet_valid": (422, "This voucher is not valid yet"),
    "idempotency_key_reused": (422, "This Idempotency-Key was used for a different request"),
    "pairing_code_invalid": (404, "Unknown pairing code"),
    "pairing_code_expired": (410, "This pairing code has expired"),
    "pairing_code_used": (409, "This pairing code was already used"),
    "payload_too_large": (413, "The request body is too large"),
    "unsupported_media_type": (415, "Send application/json"),
    "staff_locked_out": (429, "Too many failed staff logins"),
    "server_busy": (503, "The server is busy; try again"),
    "internal_error": (500, "Internal error"),
}


class Problem(Exception):
    """Raise anywhere in a route: becomes one problem+json answer."""

    def __init__(self, code: str, detail: str = "", *, status: int | None = None, **extra: Any):
        super().__init__(code)
        self.code = code
        self.status = status or CODES[code][0]
        self.detail = detail
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return problem_body(self.code, self.detail, status=self.status, **self.extra)


def problem_body(code: str, detail: str = "", *, status: int | None = None, **extra: Any) -> dict:
    status_, title = CODES.get(code, (status or 500, code))
    body: dict[str, Any] = {
        "type": f"https://stamp-kiosk.example/problems/{code}",
        "title": title,
        "status": status or status_,
        "code": code,
        "detail": detail or title,
    }
    body.update(extra)
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE, headers=headers)


def _retry_headers(body: dict[str, Any]) -> dict[str, str] | None:
    if "retry_after" in body:
        return {"Retry-After": str(int(body["retry_after"]))}
    return None


async def _on_problem(_: Request, exc: Problem) -> JSONResponse:
    body = exc.body()
    return problem_response(body, _retry_headers(body))


def _clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Field errors without echoing the offending input back (it may be a PIN)."""
    return [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e["type"]}
        for e in errors
    ]


async def _on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = _clean_errors(list(exc.errors()))
    if any(e["type"] == "json_invalid" for e in errors):
        return problem_response(problem_body("malformed_json", errors=errors))
    where = "; ".join(".".join(e["loc"]) + ": " + e["msg"] for e in errors[:5])
    return problem_response(problem_body("validation_error", where, errors=errors))


def _allowed_methods(request: Request) -> str:
    """Every method the published contract has at this path (Starlette names only the
    first matching route's, and /admin/clock has a GET and a POST route)."""
    app = request.app
    table = getattr(app.state, "allow_table", None)
    if table is None:
        table = [
            (re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", path) + "$"), ops)
            for path, ops in app.openapi()["paths"].items()
        ]
        app.state.allow_table = table
    path = request.url.path
    methods = {m.upper() for rx, ops in table if rx.match(path) for m in ops}
    return ", ".join(sorted(methods))


async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Keeps the exception's headers; a 405 says which methods exist (`Allow`, RFC 9110)."""
    code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(exc.status_code)
    if code is None:
        code = "validation_error" if exc.status_code < 500 else "internal_error"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return problem_response(problem_body(code, status=exc.status_code), headers)


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return problem_response(problem_body("server_busy", retry_after=1), {"Retry-After": "1"})
    log.exception("unexpected error: %s", type(exc).__name__)
    return problem_response(problem_body("internal_error"))


def install(app: FastAPI) -> None:
    # the decorator form registers the same handlers; add_exception_handler is typed for
    # handlers of any Exception, and these take the one class they are registered for
    app.exception_handler(Problem)(_on_problem)
    app.exception_handler(RequestValidationError)(_on_validation)
    app.exception_handler(StarletteHTTPException)(_on_http)
    app.add_exception_handler(Exception, _on_unexpected)
