"""The admin API (X-Admin-Token): how the demo, the tests and outside checks seed shops,
programs, cards, staff and pairing codes, inspect cards and devices, and move the clock.

The admin token is the operator's: it reaches every shop. Rows are created in the shop
named by `shop_id`, else in the default shop (so callers from before shops still work).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from refserver import auth, birthday, lottery, phone, shops
from refserver.clock import iso
from refserver.context import Context, Ctx
from refserver.crypto import hash_secret, new_card_token, new_code, new_id, verify_secret
from refserver.problems import Problem
from refserver.routes.common import any_card_row, ok, problems, program_row
from refserver.schemas import (
    AdminCardOut,
    CardCreatedOut,
    CardIn,
    ClockIn,
    ClockOut,
    DeviceListOut,
    IdOut,
    MilestoneIn,
    PairingCodeIn,
    PairingCodeOut,
    ProgramIn,
    ShopIn,
    StaffIn,
)
from refserver.validity import valid_until
from refserver.views import card_json

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(auth.admin)])


@router.post("/shops", response_model=IdOut, status_code=201, responses=problems())
def create_shop(body: ShopIn, c: Ctx):
    """A shop of its own: its kiosks and staff never see another shop's cards or vouchers."""
    sid = new_id("shp")
    tz = birthday.check_timezone(body.timezone) if body.timezone else None
    with c.db.tx(write=True) as conn:
        conn.execute(
            "INSERT INTO shops(id, name, created_at, privacy_text, timezone) VALUES (?,?,?,?,?)",
            (sid, body.name, iso(c.clock.now()), body.privacy_text, tz),
        )
    return ok({"id": sid}, 201)


@router.post("/programs", response_model=IdOut, status_code=201, responses=problems(404))
def create_program(body: ProgramIn, c: Ctx):
    stamps = [m.stamps for m in body.milestones]
    if len(set(stamps)) != len(stamps):
        raise Problem("validation_error", "milestones: two milestones at the same stamp count")
    if any(s > body.goal for s in stamps):
        raise Problem("validation_error", "milestones: a milestone lies beyond the goal")
    now = c.clock.now()
    for i, m in enumerate(body.milestones):
        valid_until(m.validity, now, now)  # rejects a fixed date in the past
        lottery.validate(i, m.title, m.redemption, m.variants)
    pid = new_id("prg")
    with c.db.tx(write=True) as conn:
        shop_id = shops.resolve(conn, body.shop_id, c.default_shop_id)
        conn.execute(
            "INSERT INTO programs(id, name, goal, cooldown_seconds, created_at, shop_id, "
            "max_stamps_per_scan, daily_limit, timezone, birthday_voucher) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                pid,
                body.name,
                body.goal,
                body.cooldown_seconds,
                iso(now),
                shop_id,
                body.max_stamps_per_scan,
                body.daily_limit,
                body.timezone,
                body.birthday_voucher.model_dump_json() if body.birthday_voucher else None,
            ),
        )
        conn.executemany(
            "INSERT INTO milestones(program_id, stamps, title, description, redemption, validity,"
            " variants) VALUES (?,?,?,?,?,?,?)",
            [
                (pid, m.stamps, m.title, m.description, m.redemption, m.validity, _variants(m))
                for m in body.milestones
            ],
        )
    return ok({"id": pid}, 201)


def _variants(m: MilestoneIn) -> str | None:
    """A lottery's pool as stored (JSON), in the order given: the draw's buckets."""
    if not m.variants:
        return None
    return json.dumps([v.model_dump(exclude_none=True) for v in m.variants])


@router.post("/cards", response_model=CardCreatedOut, status_code=201, responses=problems(404))
def create_card(body: CardIn, c: Ctx):
    """-> {id, token}: the token is what the customer's wallet pass carries. The card
    belongs to its program's shop; a `shop_id` that is not the program's is a 404."""
    cid, token = new_id("crd"), new_card_token()
    e164 = phone.normalize(body.phone)
    if body.birthday is not None:
        birthday.parse_birthday(body.birthday)  # a 422 for 02-30 or 13-01
    with c.db.tx(write=True) as conn:
        program_row(conn, body.program_id, body.shop_id)
        conn.execute(
            "INSERT INTO cards(id, program_id, token, first_name, last_name, email, phone, "
            "created_at, phone_e164, phone_hash, birthday) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                cid,
                body.program_id,
                token,
                body.first_name,
                body.last_name,
                body.email,
                body.phone,
                iso(c.clock.now()),
                e164,
                phone.card_phone_hash(conn, body.program_id, e164),
                body.birthday,
            ),
        )
    return ok({"id": cid, "token": token}, 201)


@router.get("/cards/{card_id}", response_model=AdminCardOut, responses=problems(404))
def get_card(card_id: Annotated[str, Path(max_length=64)], c: Ctx):
    """The card with its stamp ledger and vouchers (admin view: contact details included)."""
    with c.db.tx() as conn:
        card = any_card_row(conn, card_id)
        shop_id = program_row(conn, card["program_id"])["shop_id"]
        body = card_json(conn, card, c.clock.now())
        ledger = conn.execute(
            "SELECT * FROM stamps WHERE card_id=? ORDER BY received_at, id", (card_id,)
        ).fetchall()
    body.update(
        token=card["token"],
        birthday=card["birthday"],
        program_id=card["program_id"],
        shop_id=shop_id,
        first_name=card["first_name"],
        last_name=card["last_name"],
        email=card["email"],
        phone=card["phone"],
        round=card["round"],
        total_stamps=sum(r["count"] for r in ledger),
        ledger=[
            {
                "stamp_id": r["id"],
                "count": r["count"],
                "occurred_at": r["occurred_at"],
                "received_at": r["received_at"],
                "channel": r["channel"],
                "device_id": r["device_id"],
                "staff_id": r["staff_id"],
                "round": r["round"],
                "reason": r["reason"],
            }
            for r in ledger
        ],
    )
    return ok(body)


@router.post("/staff", response_model=IdOut, status_code=201, responses=problems(404))
async def create_staff(body: StaffIn, c: Ctx):
    """PIN and badge are stored as salted scrypt hashes; each must be unique in its shop
    (it identifies the person). Async, so the slow hashes run in the thread pool."""
    if body.pin is None and body.badge is None:
        raise Problem("validation_error", "give a pin, a badge, or both")
    return await run_in_threadpool(_create_staff, body, c)


def _create_staff(body: StaffIn, c: Context):
    with c.db.tx() as conn:
        shop_id = shops.resolve(conn, body.shop_id, c.default_shop_id)
    secrets = {"pin_hash": body.pin, "badge_hash": body.badge}
    hashes = {col: hash_secret(s, c.pin_pepper) if s else None for col, s in secrets.items()}
    checked: set[str] = set()
    while True:  # hash outside the write lock; then check whoever was added meanwhile
        checked |= _refuse_taken(c, shop_id, secrets, exclude=checked)
        with c.db.tx(write=True) as conn:
            ids = {r[0] for r in conn.execute("SELECT id FROM staff WHERE shop_id=?", (shop_id,))}
            if ids <= checked:
                sid = new_id("stf")
                conn.execute(
                    "INSERT INTO staff(id, name, pin_hash, badge_hash, permissions, created_at, "
                    "shop_id) VALUES (?,?,?,?,?,?,?)",
                    (
                        sid,
                        body.name,
                        hashes["pin_hash"],
                        hashes["badge_hash"],
                        json.dumps(body.permissions),
                        iso(c.clock.now()),
                        shop_id,
                    ),
                )
                return ok({"id": sid}, 201)


def _refuse_taken(
    c: Context, shop_id: str, secrets: dict[str, str | None], exclude: set[str]
) -> set[str]:
    """422 if another person of the shop already has this PIN or badge; else the ids checked."""
    with c.db.tx() as conn:
        rows = conn.execute("SELECT * FROM staff WHERE shop_id=?", (shop_id,)).fetchall()
    rows = [row for row in rows if row["id"] not in exclude]
    for row in rows:
        for column, secret in secrets.items():
            if secret and verify_secret(secret, row[column], c.pin_pepper):
                raise Problem("validation_error", f"{column[:-5]}: already used by another person")
    return {row["id"] for row in rows}


@router.post(
    "/pairing-codes", response_model=PairingCodeOut, status_code=201, responses=problems(404)
)
def create_pairing_code(body: PairingCodeIn, c: Ctx):
    """A one-time code (8 chars, expires after ttl_seconds, default 10 min) for one kiosk
    of the shop; the kiosk paired with it belongs to that shop."""
    now = c.clock.now()
    name = body.location_name or "Shop"
    with c.db.tx(write=True) as conn:
        shop_id = shops.resolve(conn, body.shop_id, c.default_shop_id)
        if body.program_id:
            program_row(conn, body.program_id, shop_id)
        loc = conn.execute(
            "SELECT * FROM locations WHERE name=? AND shop_id=? ORDER BY created_at LIMIT 1",
            (name, shop_id),
        ).fetchone()
        if loc is None:
            loc_id = new_id("loc")
            conn.execute(
                "INSERT INTO locations(id, name, program_id, created_at, shop_id) "
                "VALUES (?,?,?,?,?)",
                (loc_id, name, body.program_id, iso(now), shop_id),
            )
        else:
            loc_id = loc["id"]
            if body.program_id:
                conn.execute(
                    "UPDATE locations SET program_id=? WHERE id=?", (body.program_id, loc_id)
                )
        code = new_code(8)
        while conn.execute("SELECT 1 FROM pairing_codes WHERE code=?", (code,)).fetchone():
            code = new_code(8)
        expires = now + timedelta(seconds=body.ttl_seconds)
        conn.execute(
            "INSERT INTO pairing_codes(code, location_id, expires_at, shop_id) VALUES (?,?,?,?)",
            (code, loc_id, iso(expires), shop_id),
        )
    body_out = {"code": code, "expires_at": iso(expires), "location_id": loc_id}
    return ok({**body_out, "shop_id": shop_id}, 201)


@router.get("/devices", response_model=DeviceListOut, responses=problems())
def list_devices(c: Ctx):
    """Paired kiosks with their last heartbeat."""
    with c.db.tx() as conn:
        rows = conn.execute("SELECT * FROM devices ORDER BY created_at, id").fetchall()
    devices = [
        {
            "id": r["id"],
            "name": r["name"],
            "location_id": r["location_id"],
            "shop_id": r["shop_id"],
            "created_at": r["created_at"],
            "last_heartbeat_at": r["last_heartbeat_at"],
            "heartbeat": json.loads(r["heartbeat"]) if r["heartbeat"] else None,
        }
        for r in rows
    ]
    return ok({"devices": devices})


@router.delete("/devices/{device_id}", status_code=204, responses=problems(404))
def revoke_device(device_id: Annotated[str, Path(max_length=64)], c: Ctx) -> Response:
    """Revoke a kiosk (stolen, replaced): its token and the staff sessions opened on it
    stop working at once. Its stamps stay in the ledger."""
    with c.db.tx(write=True) as conn:
        if not conn.execute("DELETE FROM devices WHERE id=?", (device_id,)).rowcount:
            raise Problem("not_found", "no device with this id")
        conn.execute("DELETE FROM staff_sessions WHERE device_id=?", (device_id,))
    return Response(status_code=204)


@router.get("/clock", response_model=ClockOut, responses=problems())
def get_clock(c: Ctx):
    c.db.get_meta("clock_offset")  # a transaction: a worker's shared clock is fresh after it
    return ok({"now": iso(c.clock.now()), "offset_seconds": c.clock.offset_seconds})


@router.post("/clock", response_model=ClockOut, responses=problems())
def set_clock(body: ClockIn, c: Ctx):
    """Test clock: `{offset_seconds}` sets the shift from real time, `{advance_seconds}` adds to it."""
    stored = c.db.get_meta("clock_offset")  # another worker may have moved it: read it
    offset = float(stored) if stored is not None else c.clock.offset_seconds
    if body.offset_seconds is not None:
        offset = body.offset_seconds
    if body.advance_seconds is not None:
        offset += body.advance_seconds
    if abs(offset) > 3e9:
        raise Problem("validation_error", "offset_seconds: keep the clock within about 95 years")
    c.clock.set_offset(offset)
    c.db.set_meta("clock_offset", repr(offset))
    return ok({"now": iso(c.clock.now()), "offset_seconds": offset})
