"""Cards and stamps: look a scanned pass up, add a stamp, list vouchers, staff search."""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from refserver import auth, birthday, engage, lottery
from refserver.clock import iso, parse_iso
from refserver.context import Context, Ctx
from refserver.crypto import new_id
from refserver.daily import check_daily_limit
from refserver.idempotency import IdempotencyKey, request_hash, run_once
from refserver.problems import Problem
from refserver.routes.common import card_row, ok, problems
from refserver.routes.issue import issue_voucher
from refserver.schemas import CardOut, CardSearchOut, StampIn, StampResultOut, VoucherListOut
from refserver.views import card_json, card_vouchers, mask_contact, voucher_json

router = APIRouter(prefix="/api/v1", tags=["cards"])
CardId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/cards/search", response_model=CardSearchOut, responses=problems(403))
def search(
    q: Annotated[str, Query(min_length=2, max_length=100)],
    who: Annotated[auth.Principal, Depends(auth.staff("cards:search"))],
    c: Ctx,
):
    """Staff lookup by first/last name, email, phone (digits) or exact card token, inside
    the staff member's own shop only."""
    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    digits = "".join(ch for ch in q if ch.isdigit())
    with c.db.tx() as conn:
        rows = conn.execute(
            "SELECT c.*, p.name AS program_name, p.goal FROM cards c "
            "JOIN programs p ON p.id = c.program_id "
            "WHERE p.shop_id = ? AND (c.token = ? OR c.first_name LIKE ? ESCAPE '\\' "
            "OR c.last_name LIKE ? ESCAPE '\\' OR (c.first_name || ' ' || c.last_name) "
            "LIKE ? ESCAPE '\\' OR c.email LIKE ? ESCAPE '\\' "
            "OR (? != '' AND length(?) >= 3 AND replace(replace(replace(c.phone, ' ', ''), "
            "'-', ''), '+', '') LIKE '%' || ? || '%')) "
            "ORDER BY c.first_name, c.id LIMIT 20",
            (who.shop_id, q, like, like, like, like, digits, digits, digits),
        ).fetchall()
    cards = [
        {
            "id": r["id"],
            "display_name": r["first_name"],
            "stamps": r["stamps"],
            "goal": r["goal"],
            "program_name": r["program_name"],
            "contact_hint": mask_contact(r["email"], r["phone"]),
        }
        for r in rows
    ]
    return ok({"cards": cards})


@router.get("/cards/by-token/{token}", response_model=CardOut, responses=problems(403, 404))
def by_token(token: Annotated[str, Path(min_length=1, max_length=256)], who: auth.Anyone, c: Ctx):
    """The card a scanned wallet pass points to (a pass of another shop is unknown here)."""
    with c.db.tx() as conn:
        row = conn.execute(
            "SELECT c.* FROM cards c JOIN programs p ON p.id = c.program_id "
            "WHERE c.token=? AND p.shop_id=?",
            (token, who.shop_id),
        ).fetchone()
        if row is None:
            raise Problem("card_not_found", "no card carries this token")
        return ok(card_json(conn, row, c.clock.now()))


@router.get("/cards/{card_id}/vouchers", response_model=VoucherListOut, responses=problems(404))
def vouchers(card_id: CardId, who: auth.Anyone, c: Ctx):
    with c.db.tx() as conn:
        card_row(conn, card_id, who.shop_id)
        return ok({"vouchers": card_vouchers(conn, card_id, c.clock.now())})


@router.post(
    "/cards/{card_id}/stamps",
    response_model=StampResultOut,
    status_code=201,
    responses=problems(403, 404, 409),
)
def add_stamp(
    card_id: CardId,
    body: StampIn,
    who: auth.Anyone,
    c: Ctx,
    key: IdempotencyKey = None,
):
    """Add stamps (cooldown-checked); reaching a milestone issues its voucher. A device
    may add at most the program's `max_stamps_per_scan` at once; staff may add more, and
    their stamps are recorded with the staff member."""
    fingerprint = request_hash("POST", f"/cards/{card_id}/stamps", body.model_dump(mode="json"))

    if who.kind == "staff" and not who.may("stamps:add"):
        raise Problem("forbidden", "this staff member lacks the 'stamps:add' permission")

    def op(conn: sqlite3.Connection) -> tuple[int, dict[str, Any]]:
        return 201, stamp_card(conn, c, who, card_id, body, reason=body.reason)

    return run_once(c, scope=f"{who.kind}:{who.id}", key=key, fingerprint=fingerprint, op=op)


def _check_count(who: auth.Principal, count: int, limit: int) -> None:
    """One scan is one stamp (unless the program says more): a kiosk cannot add ten."""
    if who.kind == "device" and count > limit:
        raise Problem(
            "validation_error",
            f"count: this program takes at most {limit} stamp(s) per scan from a kiosk",
            max_stamps_per_scan=limit,
        )


def _check_cooldown(card: sqlite3.Row, cooldown: int, now: datetime) -> None:
    last = parse_iso(card["last_stamp_at"])
    if not cooldown or last is None:
        return
    nxt = last + timedelta(seconds=cooldown)
    if now < nxt:
        raise Problem(
            "cooldown_active",
            "this card was stamped moments ago",
            retry_after=max(1, math.ceil((nxt - now).total_seconds())),
            next_stamp_at=iso(nxt),
        )


def stamp_card(
    conn: sqlite3.Connection,
    c: Context,
    who: auth.Principal,
    card_id: str,
    body: StampIn,
    *,
    channel: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Check, then write. The cooldown counts from the server's receipt time (see docs).
    `channel` overrides the body's (a phone stamp is recorded as "phone"); `reason` is a
    staff member's reason for a stamp given by hand."""
    now = c.clock.now()
    card = card_row(conn, card_id, who.shop_id)
    prog = conn.execute("SELECT * FROM programs WHERE id=?", (card["program_id"],)).fetchone()
    _check_count(who, body.count, prog["max_stamps_per_scan"])
    if who.kind == "device":  # staff adding stamps by hand decide for themselves
        _check_cooldown(card, prog["cooldown_seconds"], now)
        check_daily_limit(conn, prog, card_id, body.count, now)
    milestones = {
        m["stamps"]: m
        for m in conn.execute("SELECT * FROM milestones WHERE program_id=?", (prog["id"],))
    }
    stamps, rnd, unlocked = card["stamps"], card["round"], []
    stamp_id, drawn = new_id("stp"), None
    for _ in range(body.count):
        if stamps >= prog["goal"]:  # the card was full: this stamp starts a new round
            stamps, rnd = 0, rnd + 1
        stamps += 1
        m = milestones.get(stamps)
        if m is not None and m["redemption"] == "lottery":
            drawn = _lottery(conn, c, prog["shop_id"], card, m, stamp_id, now)
            if drawn[1] is not None:
                unlocked.append(drawn[1])
        elif m is not None:
            unlocked.append(_milestone_voucher(conn, prog["shop_id"], card, m, now))
    conn.execute(
        "INSERT INTO stamps(id, card_id, count, occurred_at, received_at, channel, device_id, "
        "round, staff_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            stamp_id,
            card_id,
            body.count,
            iso(body.occurred_at),
            iso(now),
            channel or body.channel,
            who.device_id,
            rnd,
            who.id if who.kind == "staff" else None,
            reason,
        ),
    )
    conn.execute(
        "UPDATE cards SET stamps=?, round=?, last_stamp_at=? WHERE id=?",
        (stamps, rnd, iso(now), card_id),
    )
    gift = birthday.gift(
        conn, card, prog, now, lambda b: _birthday_voucher(conn, prog, card, b, now)
    )
    updated = card_row(conn, card_id, who.shop_id)
    answer: dict[str, Any] = {
        "stamp_id": stamp_id,
        "card": card_json(conn, updated, now),
        "unlocked_vouchers": [voucher_json(v, now) for v in unlocked],
    }
    if drawn is not None:  # the last lottery this stamp reached (one per scan in practice)
        milestone, voucher, outcome = drawn
        answer["lottery"] = {
            "milestone": milestone,
            "outcome": {"kind": outcome.kind, "title": outcome.title},
            "voucher": voucher_json(voucher, now) if voucher is not None else None,
        }
    if gift is not None:
        answer["birthday"] = {"voucher": voucher_json(gift, now)}
    return answer


def _birthday_voucher(
    conn: sqlite3.Connection,
    prog: sqlite3.Row,
    card: sqlite3.Row,
    settings: dict[str, Any],
    now: datetime,
) -> sqlite3.Row:
    """This year's gift: a voucher of the card, valid `days_valid` days from today."""
    return issue_voucher(
        conn,
        now,
        shop_id=prog["shop_id"],
        card_id=card["id"],
        program_key=card["program_id"],
        title=settings["title"],
        description=settings.get("description", ""),
        image_url=None,
        redemption=settings.get("redemption", "self_redeem"),
        code_value=None,
        generate_code=True,
        symbology="qr",
        validity=f"days:{int(settings['days_valid'])}",
        valid_from=now,
        source="birthday",
        issued_by=None,
    )


def _lottery(
    conn: sqlite3.Connection,
    c: Context,
    shop_id: str,
    card: sqlite3.Row,
    m: sqlite3.Row,
    stamp_id: str,
    now: datetime,
) -> tuple[int, sqlite3.Row | None, lottery.Variant]:
    """Draw (CSPRNG) inside the stamp's transaction; a winning variant issues its voucher.
    The replay of this stamp's key returns the stored answer: no second draw."""
    variants = [lottery.Variant.from_json(v) for v in json.loads(m["variants"] or "[]")]
    outcome = lottery.draw(variants, c.lottery_below)
    voucher = None
    if outcome.kind in lottery.WINNING:
        won = {**dict(m), "title": outcome.title, "redemption": outcome.redemption or "self_redeem"}
        voucher = _milestone_voucher(conn, shop_id, card, won, now)
    lottery.record(
        conn,
        stamp_id=stamp_id,
        card_id=card["id"],
        milestone=m["stamps"],
        outcome=outcome,
        voucher_id=voucher["id"] if voucher is not None else None,
        drawn_at=iso(now) or "",
    )
    return m["stamps"], voucher, outcome


def _milestone_voucher(
    conn: sqlite3.Connection,
    shop_id: str,
    card: sqlite3.Row,
    m: sqlite3.Row | dict[str, Any],
    now: datetime,
) -> sqlite3.Row:
    """Milestone vouchers always get a generated QR code, so any of them can be printed."""
    return issue_voucher(
        conn,
        now,
        shop_id=shop_id,
        card_id=card["id"],
        program_key=card["program_id"],
        title=m["title"],
        description=m["description"],
        image_url=engage.voucher_image(conn, shop_id, m["stamps"]),
        redemption=m["redemption"],
        code_value=None,
        generate_code=True,
        symbology="qr",
        validity=m["validity"],
        valid_from=now,
        source="milestone",
        issued_by=None,
    )
