"""Staff sessions by PIN or badge, with a per-kiosk lockout after repeated failures.

Why per kiosk: a login sends only the PIN (no user name), so failures cannot be counted
per staff member; counting them per device stops brute force at the kiosk where it
happens without letting one kiosk lock out the whole shop.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from refserver import auth
from refserver.clock import iso, parse_iso
from refserver.context import Context, ctx
from refserver.crypto import new_token, secret_hash, token_hash
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
def login(
    body: StaffLoginIn,
    who: auth.Principal = Depends(auth.device),  # noqa: B008
    c: Context = Depends(ctx),  # noqa: B008
):
    """`{pin}` or `{badge}` -> a short-lived staff token with the staff member's permissions."""
    if (body.pin is None) == (body.badge is None):
        raise Problem("validation_error", "send exactly one of pin or badge")
    now = c.clock.now()
    secret = body.pin if body.pin is not None else body.badge
    assert secret is not None
    column = "pin_hash" if body.pin is not None else "badge_hash"
    h = secret_hash(secret, c.pin_salt)  # slow hash outside the write lock
    with c.db.tx(write=True) as conn:
        dev = conn.execute("SELECT * FROM devices WHERE id=?", (who.id,)).fetchone()
        locked_until = parse_iso(dev["staff_locked_until"])
        if locked_until and now < locked_until:
            failure = Problem(
                "staff_locked_out",
                "too many failed logins on this kiosk",
                retry_after=max(1, math.ceil((locked_until - now).total_seconds())),
            )
        else:
            member = conn.execute(f"SELECT * FROM staff WHERE {column}=?", (h,)).fetchone()  # noqa: S608
            if member is not None:
                conn.execute(
                    "UPDATE devices SET failed_staff_logins=0, staff_locked_until=NULL WHERE id=?",
                    (who.id,),
                )
                return ok(_session(conn, c, member, who.id), 201)
            failure = _count_failure(conn, c, dev)
    raise failure  # after COMMIT: the failure count must persist


def _count_failure(conn, c: Context, dev) -> Problem:
    fails = dev["failed_staff_logins"] + 1
    if fails >= c.staff_max_failures:
        until = c.clock.now() + timedelta(seconds=c.staff_lockout_seconds)
        conn.execute(
            "UPDATE devices SET failed_staff_logins=0, staff_locked_until=? WHERE id=?",
            (iso(until), dev["id"]),
        )
        return Problem(
            "unauthorized", "wrong PIN or badge; staff login is now locked", attempts_left=0
        )
    conn.execute("UPDATE devices SET failed_staff_logins=? WHERE id=?", (fails, dev["id"]))
    return Problem("unauthorized", "wrong PIN or badge", attempts_left=c.staff_max_failures - fails)


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
def logout(
    who: auth.Principal = Depends(auth.any_principal),  # noqa: B008
    c: Context = Depends(ctx),  # noqa: B008
) -> Response:
    """End the calling staff session now (the kiosk's Exit button)."""
    if who.kind != "staff":
        raise Problem("forbidden", "this call needs a staff session token")
    with c.db.tx(write=True) as conn:
        conn.execute(
            "DELETE FROM staff_sessions WHERE staff_id=? AND device_id IS ?",
            (who.id, who.device_id),
        )
    return Response(status_code=204)
