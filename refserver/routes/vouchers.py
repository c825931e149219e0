"""Vouchers: look up by id or scanned code, self-redeem exactly once, staff issue."""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from refserver import auth
from refserver.clock import iso, parse_iso
from refserver.context import Context, Ctx
from refserver.idempotency import IdempotencyKey, request_hash, run_once
from refserver.problems import Problem
from refserver.routes.common import card_row, ok, problems, voucher_row
from refserver.routes.issue import issue_voucher
from refserver.schemas import RedeemIn, VoucherIn, VoucherOut
from refserver.shops import free_voucher_key
from refserver.validity import state
from refserver.views import voucher_json

router = APIRouter(prefix="/api/v1", tags=["vouchers"])
VoucherId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/vouchers/by-code/{code}", response_model=VoucherOut, responses=problems(404))
def by_code(code: Annotated[str, Path(min_length=1, max_length=64)], who: auth.Anyone, c: Ctx):
    """A voucher of this shop from a scanned redeem code (matched without regard to case)."""
    with c.db.tx() as conn:
        row = conn.execute(
            "SELECT * FROM vouchers WHERE code_value=? AND shop_id=? "
            "ORDER BY created_at DESC LIMIT 1",
            (code.upper(), who.shop_id),
        ).fetchone()
        if row is None:
            raise Problem("voucher_not_found", "no voucher has this code")
        return ok(voucher_json(row, c.clock.now()))


@router.get("/vouchers/{voucher_id}", response_model=VoucherOut, responses=problems(404))
def get_voucher(voucher_id: VoucherId, who: auth.Anyone, c: Ctx):
    with c.db.tx() as conn:
        return ok(voucher_json(voucher_row(conn, voucher_id, who.shop_id), c.clock.now()))


@router.post(
    "/vouchers/{voucher_id}/redeem",
    response_model=VoucherOut,
    responses=problems(403, 404, 409, 410),
)
def redeem(
    voucher_id: VoucherId,
    body: RedeemIn,
    who: auth.Anyone,
    c: Ctx,
    key: IdempotencyKey = None,
):
    """Redeem once. A device may redeem only self_redeem vouchers; staff with the
    `vouchers:redeem` permission may redeem any kind (the staff scanner's path)."""
    fingerprint = request_hash(
        "POST", f"/vouchers/{voucher_id}/redeem", body.model_dump(mode="json")
    )

    if body.phone_hash is not None:  # found through a phone lookup: stamps only
        raise Problem("phone_cannot_redeem", "a phone number earns stamps and never redeems")

    def op(conn: sqlite3.Connection) -> tuple[int, dict[str, Any]]:
        return 200, _redeem(conn, c, who, voucher_id)

    return run_once(c, scope=f"{who.kind}:{who.id}", key=key, fingerprint=fingerprint, op=op)


def _redeem(
    conn: sqlite3.Connection, c: Context, who: auth.Principal, voucher_id: str
) -> dict[str, Any]:
    now = c.clock.now()
    row = voucher_row(conn, voucher_id, who.shop_id)
    valid_from = parse_iso(row["valid_from"])
    assert valid_from is not None
    st = state(valid_from, parse_iso(row["valid_until"]), row["redeemed_at"] is not None, now)
    if st == "redeemed":
        raise Problem("voucher_already_redeemed", "redeemed at " + row["redeemed_at"])
    if st == "expired":
        raise Problem("voucher_expired", "valid until " + row["valid_until"])
    if st == "issued":
        raise Problem("voucher_not_yet_valid", "valid from " + row["valid_from"])
    if who.kind == "staff" and not who.may("vouchers:redeem"):
        raise Problem("forbidden", "this staff member lacks the 'vouchers:redeem' permission")
    if who.kind == "device" and row["redemption"] != "self_redeem":
        raise Problem("voucher_not_self_redeemable", f"redemption is {row['redemption']}")
    # The condition repeats the checks: exactly one UPDATE can ever win.
    cur = conn.execute(
        "UPDATE vouchers SET redeemed_at=?, redeemed_by=? WHERE id=? AND redeemed_at IS NULL "
        "AND (valid_until IS NULL OR valid_until > ?)",
        (iso(now), f"{who.kind}:{who.id}", voucher_id, iso(now)),
    )
    if cur.rowcount != 1:
        raise Problem("voucher_already_redeemed", "redeemed by another request")
    return voucher_json(voucher_row(conn, voucher_id, who.shop_id), now)


@router.post(
    "/vouchers", response_model=VoucherOut, status_code=201, responses=problems(403, 404, 409)
)
def create_voucher(
    body: VoucherIn,
    who: Annotated[auth.Principal, Depends(auth.staff("vouchers:issue"))],
    c: Ctx,
    key: IdempotencyKey = None,
):
    """Staff issue a one-time voucher, tied to a card or free (a free one always has a code).

    `redeem_code`: absent/null = none (a free voucher then gets a generated one), a string =
    that code, `{"generate": true}` = a generated code, `{"value": "..."}` = that code.
    """
    fingerprint = request_hash("POST", "/vouchers", body.model_dump(mode="json"))

    def op(conn: sqlite3.Connection) -> tuple[int, dict[str, Any]]:
        return 201, _issue(conn, c, who, body)

    return run_once(c, scope=f"staff:{who.id}", key=key, fingerprint=fingerprint, op=op)


def _issue(conn: sqlite3.Connection, c: Context, who: auth.Principal, body: VoucherIn) -> dict:
    now = c.clock.now()
    if body.card_id:  # a card of another shop is "not found", as if it did not exist
        program_key = card_row(conn, body.card_id, who.shop_id)["program_id"]
    else:
        program_key = free_voucher_key(who.shop_id)
    rc = body.redeem_code
    if isinstance(rc, str) or rc is None:
        value, generate = rc, False
    elif rc.mode == "given" and not rc.value:
        raise Problem("validation_error", "redeem_code.value: required when mode is 'given'")
    else:
        value = None if rc.mode == "none" else rc.value
        generate = (rc.generate or rc.mode == "generate") and value is None
    generate = generate or (value is None and body.card_id is None)  # a free one needs a code
    symbology = (rc.symbology if rc and not isinstance(rc, str) else None) or body.symbology
    if generate and symbology == "ean13":
        raise Problem("validation_error", "generated codes are letters: pick qr or code128")
    if value and symbology == "ean13" and not (value.isdigit() and len(value) in (12, 13)):
        raise Problem("validation_error", "an ean13 code has 12 or 13 digits")
    has_code = bool(value) or generate
    redemption = body.redemption or ("redeem_code" if has_code else "self_redeem")
    row = issue_voucher(
        conn,
        now,
        shop_id=who.shop_id,
        card_id=body.card_id,
        program_key=program_key,
        title=body.title,
        description=body.description,
        image_url=body.image,
        redemption=redemption,
        code_value=value,
        generate_code=generate,
        symbology=symbology or ("code128" if value else "qr"),
        validity=body.validity,
        valid_from=now,
        source="staff",
        issued_by=who.id,
    )
    return voucher_json(row, now)
