"""Staff sessions by PIN or badge, throttled per kiosk and per staff member (lockout.py).

A login sends only the secret, so the server tries it against each staff member of the
kiosk's own shop (staff of another shop never match there). The hashes are computed
between two short write transactions, never while holding the write lock.
"""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import Response

from refserver import auth, lockout
from refserver.clock import iso
from refserver.context import Context, Ctx
from refserver.crypto import new_token, token_hash, verify_secret
from refserver.problems import Problem
from refserver.routes.common import ok, problems
from refserver.schemas import StaffLoginIn, StaffSessionOut

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.post(
    "/staff/sessions",
    response_model=StaffSessionOut,
    status_code=201,
    responses=problems(403, 429),
)
def login(body: StaffLoginIn, who: auth.Device, c: Ctx):
    """`{pin}` or `{badge}` -> a short-lived staff token with the staff member's permissions."""
    if (body.pin is None) == (body.badge is None):
        raise Problem("validation_error", "send exactly one of pin or badge")
    kind, secret = ("pin", body.pin) if body.pin is not None else ("badge", body.badge)
    assert secret is not None and who.device_id is not None
    now, policy = c.clock.now(), c.lockout
    where = {"shop_id": who.shop_id, "kind": kind}
    attempt = lockout.begin(c.db, policy, now, device_id=who.device_id, **where)
    staff = lockout.candidates(c.db, policy, now, attempt=attempt, **where)
    member = next((m for m in staff if verify_secret(secret, m["secret_hash"], c.pin_pepper)), None)
    with c.db.tx(write=True) as conn:
        lockout.finish(conn, attempt, member["id"] if member else None)
        if member is not None:
            return ok(_session(conn, c, member, who.device_id), 201)
        failure = lockout.failure(conn, policy, now, who.device_id)
    raise failure  # after COMMIT: the failure must persist


def _session(conn, c: Context, member, device_id: str) -> dict:
    token = new_token()
    expires = c.clock.now() + timedelta(seconds=c.staff_session_seconds)
    conn.execute(
        "INSERT INTO staff_sessions(token_hash, staff_id, device_id, expires_at) VALUES (?,?,?,?)",
        (token_hash(token), member["id"], device_id, iso(expires)),
    )
    return {
        "token": token,
        "staff_id": member["id"],
        "staff_name": member["name"],
        "permissions": json.loads(member["permissions"]),
        "expires_at": iso(expires),
    }


@router.delete("/staff/sessions/current", status_code=204, responses=problems(403))
def logout(who: auth.Anyone, c: Ctx) -> Response:
    """End the calling staff session now (the kiosk's Exit button)."""
    if who.kind != "staff":
        raise Problem("forbidden", "this call needs a staff session token")
    with c.db.tx(write=True) as conn:
        conn.execute(
            "DELETE FROM staff_sessions WHERE staff_id=? AND device_id IS ?",
            (who.id, who.device_id),
        )
    return Response(status_code=204)
