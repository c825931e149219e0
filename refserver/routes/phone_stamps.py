"""Stamp by phone number: a customer without their phone types their number at the kiosk.

The kiosk never sends the number itself: it sends the number's keyed hash (HMAC-SHA256
under the shop's phone key from GET /device), and the server matches it exactly, and only
within the kiosk's own shop. The rules (docs/api.md, tests/counter/test_phone_server.py):
- lookup answers a masked hint ("M***") for the customer to confirm, never a card id;
- a phone stamp adds one stamp to the one card with that hash; its answer shows the card
  with the masked name and no vouchers: a number earns stamps and never sees or spends
  rewards, and a redemption that says it came through a phone lookup is refused (403
  `phone_cannot_redeem`, in routes/vouchers.py);
- lookups and phone stamps are rate-limited per kiosk and per number; "no such number",
  "two cards share it" and "rate limited" are the same 404 `phone_not_found`, so the kiosk
  cannot be used to find out whether someone is a customer.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from fastapi import APIRouter

from refserver import auth
from refserver.clock import iso
from refserver.context import Context, Ctx
from refserver.idempotency import IdempotencyKey, request_hash, run_once
from refserver.phone import mask_name
from refserver.problems import Problem
from refserver.routes.cards import stamp_card
from refserver.routes.common import ok, problems
from refserver.schemas import PhoneHintOut, PhoneLookupIn, PhoneStampIn, StampIn, StampResultOut

router = APIRouter(prefix="/api/v1", tags=["phone"])

WINDOW_S = 600
PER_DEVICE = 10  # lookups + phone stamps per kiosk per window
PER_NUMBER = 5  # per number (its hash) per shop per window, from any kiosk


def _not_found() -> Problem:
    """The one answer for no such number, an ambiguous one and a rate limit alike."""
    return Problem("phone_not_found", "no card for this number")


def _attempt(c: Context, who: auth.Principal, phone_hash: str) -> bool:
    """Record one attempt (in its own transaction: refused ones count too); False when
    this kiosk or this number is over its limit."""
    now = c.clock.now()
    since = iso(now - timedelta(seconds=WINDOW_S))
    with c.db.tx(write=True) as conn:
        conn.execute("DELETE FROM phone_attempts WHERE at < ?", (since,))
        conn.execute(
            "INSERT INTO phone_attempts(shop_id, device_id, phone_hash, at) VALUES (?,?,?,?)",
            (who.shop_id, who.id, phone_hash, iso(now)),
        )
        by_device = conn.execute(
            "SELECT count(*) FROM phone_attempts WHERE device_id=? AND at>=?", (who.id, since)
        ).fetchone()[0]
        by_number = conn.execute(
            "SELECT count(*) FROM phone_attempts WHERE shop_id=? AND phone_hash=? AND at>=?",
            (who.shop_id, phone_hash, since),
        ).fetchone()[0]
    return by_device <= PER_DEVICE and by_number <= PER_NUMBER


def _card(conn: sqlite3.Connection, shop_id: str, phone_hash: str) -> sqlite3.Row:
    rows = conn.execute(
        "SELECT c.* FROM cards c JOIN programs p ON p.id = c.program_id "
        "WHERE c.phone_hash=? AND p.shop_id=? LIMIT 2",
        (phone_hash, shop_id),
    ).fetchall()
    if len(rows) != 1:
        raise _not_found()
    return rows[0]


@router.post("/phone/lookup", response_model=PhoneHintOut, responses=problems(403, 404))
def lookup(body: PhoneLookupIn, who: auth.Device, c: Ctx):
    """-> {hint: "M***"} for the customer to confirm; 404 phone_not_found otherwise."""
    if not _attempt(c, who, body.phone_hash):
        raise _not_found()
    with c.db.tx() as conn:
        card = _card(conn, who.shop_id, body.phone_hash)
    return ok({"hint": mask_name(card["first_name"])})


@router.post(
    "/phone/stamps",
    response_model=StampResultOut,
    status_code=201,
    responses=problems(403, 404, 409),
)
def phone_stamp(body: PhoneStampIn, who: auth.Device, c: Ctx, key: IdempotencyKey = None):
    """One stamp for the card of this number (cooldown and daily limit apply). A replay
    of the same Idempotency-Key is the first answer and no new attempt."""
    fingerprint = request_hash("POST", "/phone/stamps", body.model_dump(mode="json"))
    replay = key is not None and _known(c, who, key)
    if not replay and not _attempt(c, who, body.phone_hash):
        raise _not_found()

    def op(conn: sqlite3.Connection) -> tuple[int, dict[str, Any]]:
        card = _card(conn, who.shop_id, body.phone_hash)
        stamp = StampIn(count=1, occurred_at=body.occurred_at, channel="kiosk")
        return 201, _masked(stamp_card(conn, c, who, card["id"], stamp, channel="phone"))

    return run_once(c, scope=f"{who.kind}:{who.id}", key=key, fingerprint=fingerprint, op=op)


def _known(c: Context, who: auth.Principal, key: str) -> bool:
    with c.db.tx() as conn:
        row = conn.execute(
            "SELECT 1 FROM idempotency WHERE scope=? AND key=?", (f"{who.kind}:{who.id}", key)
        ).fetchone()
    return row is not None


def _masked(result: dict[str, Any]) -> dict[str, Any]:
    """The answer a phone stamp may show: masked name, no vouchers, nothing unlocked shown
    (a milestone's voucher is still issued to the card, for its owner's wallet)."""
    card = dict(result["card"])
    card["display_name"] = mask_name(card["display_name"])
    card["vouchers"] = []
    return {"stamp_id": result["stamp_id"], "card": card, "unlocked_vouchers": []}
