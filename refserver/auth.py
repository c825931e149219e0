"""Who is calling: a paired device, a staff session, or the shop's admin.

Device calls carry `Authorization: Bearer <device token>`; staff tools carry the staff
session token the same way. A missing or unknown token is 401; a valid token of the
wrong kind (a device token on a staff-only call) is 403. Tokens are looked up by their
SHA-256 only and never logged. Every principal carries its shop: routes look rows up
inside that shop only, so another shop's card or voucher is simply "not found".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from refserver.clock import iso
from refserver.context import Context, context_of
from refserver.crypto import same, token_hash
from refserver.problems import Problem

_bearer = HTTPBearer(auto_error=False, description="device token, or a staff session token")
_admin = APIKeyHeader(name="X-Admin-Token", auto_error=False, description="the admin token")

# The permissions the server checks, and the names that grant each. "*" grants all.
# Issuing implies searching: the issue form's first field is "find the customer".
# The underscore spellings are accepted as aliases of the canonical "area:action" names.
GRANTS: dict[str, set[str]] = {
    "cards:search": {"cards:search", "search_cards", "vouchers:issue", "issue_vouchers"},
    "vouchers:issue": {"vouchers:issue", "issue_vouchers", "issue_voucher"},
    "vouchers:redeem": {"vouchers:redeem", "redeem_vouchers"},
    "stamps:add": {"stamps:add", "add_stamps"},
    "reports:day": {"reports:day", "day_summary"},
}


@dataclass(frozen=True)
class Principal:
    kind: str  # "device" | "staff"
    id: str
    shop_id: str
    device_id: str | None = None
    name: str = ""
    permissions: tuple[str, ...] = field(default=())

    def may(self, permission: str) -> bool:
        have = set(self.permissions)
        return "*" in have or bool(have & GRANTS.get(permission, {permission}))


def _lookup(c: Context, token: str) -> Principal | None:
    h = token_hash(token)
    with c.db.tx() as conn:
        row = conn.execute(
            "SELECT id, name, shop_id FROM devices WHERE token_hash=?", (h,)
        ).fetchone()
        if row:
            return Principal(
                "device", row["id"], row["shop_id"], device_id=row["id"], name=row["name"]
            )
        row = conn.execute(
            "SELECT s.id, s.name, s.shop_id, s.permissions, ss.device_id, ss.expires_at "
            "FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id WHERE ss.token_hash=?",
            (h,),
        ).fetchone()
    if row and row["expires_at"] > (iso(c.clock.now()) or ""):
        return Principal(
            "staff",
            row["id"],
            row["shop_id"],
            device_id=row["device_id"],
            name=row["name"],
            permissions=tuple(json.loads(row["permissions"])),
        )
    return None


def any_principal(
    request: Request, cred: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> Principal:
    if cred is None or not cred.credentials:
        raise Problem("unauthorized", "send Authorization: Bearer <token>")
    who = _lookup(context_of(request), cred.credentials)
    if who is None:
        raise Problem("unauthorized", "unknown or expired token")
    return who


async def device(who: Annotated[Principal, Depends(any_principal)]) -> Principal:
    if who.kind != "device":
        raise Problem("forbidden", "this call needs a device token")
    return who


def staff(permission: str):
    """Dependency factory: a staff session holding `permission`."""

    async def check(who: Annotated[Principal, Depends(any_principal)]) -> Principal:
        if who.kind != "staff":
            raise Problem("forbidden", "this call needs a staff session token")
        if not who.may(permission):
            raise Problem("forbidden", f"this staff member lacks the '{permission}' permission")
        return who

    return check


async def admin(request: Request, token: Annotated[str | None, Security(_admin)]) -> None:
    if not token or not same(token, context_of(request).admin_token):
        raise Problem("unauthorized", "send the X-Admin-Token header")


# What routes declare: `who: auth.Anyone`, `who: auth.Device`.
Anyone = Annotated[Principal, Depends(any_principal)]
Device = Annotated[Principal, Depends(device)]
