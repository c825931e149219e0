"""Pairing, the device's cloud settings, and heartbeats."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request

from refserver import auth, engage
from refserver.clock import iso
from refserver.context import Ctx
from refserver.crypto import new_id, new_token, token_hash
from refserver.etag import conditional_json
from refserver.phone import existing_shop_key, shop_key
from refserver.problems import Problem
from refserver.routes import device_settings, releases
from refserver.routes.common import ok, problems
from refserver.schemas import DeviceOut, HeartbeatIn, HeartbeatOut, PairIn, PairingOut

router = APIRouter(prefix="/api/v1", tags=["devices"])
LANGUAGES = ["en", "et", "ko", "zh"]


def normalize_code(code: str) -> str:
    """People type codes with spaces, dashes and lower case; the code itself has none."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


@router.post(
    "/devices/pair",
    response_model=PairingOut,
    status_code=201,
    responses=problems(404, 409, 410, auth=False),
)
def pair(body: PairIn, c: Ctx):
    """Exchange a one-time pairing code for a device token (shown once, stored hashed).
    The device belongs to the shop of its pairing code, for good."""
    now = c.clock.now()
    code = normalize_code(body.pairing_code)
    with c.db.tx(write=True) as conn:
        row = conn.execute("SELECT * FROM pairing_codes WHERE code=?", (code,)).fetchone()
        if row is None:
            raise Problem("pairing_code_invalid", "no such pairing code")
        if row["used_at"]:
            raise Problem("pairing_code_used", "this code was already used; ask for a new one")
        if row["expires_at"] <= iso(now):
            raise Problem("pairing_code_expired", "this code has expired; ask for a new one")
        token, device_id = new_token(), new_id("dev")
        conn.execute(
            "INSERT INTO devices(id, name, token_hash, location_id, hardware, created_at, "
            "shop_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                device_id,
                body.device_name,
                token_hash(token),
                row["location_id"],
                json.dumps(body.hardware),
                iso(now),
                row["shop_id"],
            ),
        )
        conn.execute(
            "UPDATE pairing_codes SET used_at=?, device_id=? WHERE code=?",
            (iso(now), device_id, code),
        )
        loc = conn.execute("SELECT id, name FROM locations WHERE id=?", (row["location_id"],))
        location = dict(loc.fetchone())
    return ok({"device_id": device_id, "device_token": token, "location": location}, 201)


@router.get(
    "/device",
    response_model=DeviceOut,
    responses={**problems(403), 304: {"description": "unchanged since the If-None-Match ETag"}},
)
def get_device(who: auth.Device, c: Ctx, request: Request):
    """The kiosk's settings from the cloud (location, branding, languages, stamp rule):
    the location's program, else the shop's newest one. With an ETag; a kiosk polling
    with If-None-Match gets 304 while nothing changed."""
    with c.db.tx() as conn:
        dev = conn.execute("SELECT * FROM devices WHERE id=?", (who.id,)).fetchone()
        loc = conn.execute("SELECT * FROM locations WHERE id=?", (dev["location_id"],)).fetchone()
        prog = None
        if loc["program_id"]:
            prog = conn.execute(
                "SELECT * FROM programs WHERE id=? AND shop_id=?", (loc["program_id"], who.shop_id)
            ).fetchone()
        if prog is None:
            prog = conn.execute(
                "SELECT * FROM programs WHERE shop_id=? ORDER BY created_at DESC, id LIMIT 1",
                (who.shop_id,),
            ).fetchone()
        look = engage.branding(conn, who.shop_id, loc["name"])
        shown = engage.slides(conn, who.shop_id, c.clock.now())
        settings = device_settings.of_shop(conn, who.shop_id)
        release = releases.offer_for(conn, who.shop_id, who.id)
        phone_key = existing_shop_key(conn, who.shop_id)
    if phone_key is None:  # the first GET /device of the shop makes it (a write, once)
        with c.db.tx(write=True) as conn:
            phone_key = shop_key(conn, who.shop_id)
    return conditional_json(
        request,
        {
            "device_id": dev["id"],
            "name": dev["name"],
            "location": {"id": loc["id"], "name": loc["name"]},
            "branding": look,
            "languages": LANGUAGES,
            "join_url": join_url(request, loc["id"]),
            "phone_key": phone_key.hex(),
            "cooldown_seconds": prog["cooldown_seconds"] if prog else 0,
            "stamp_rule": {
                "count": 1,
                "program_id": prog["id"] if prog else None,
                "max_stamps_per_scan": prog["max_stamps_per_scan"] if prog else 1,
                "daily_limit": prog["daily_limit"] if prog else None,
            },
            "slides": shown,
            "settings": settings,
            "release": release,
        },
    )


def join_url(request: Request, location_id: str) -> str:
    """The shop's join page for this location, on the address the kiosk reached us by."""
    return str(request.base_url).rstrip("/") + f"/join/{location_id}"


@router.post("/device/heartbeat", response_model=HeartbeatOut, responses=problems(403))
def heartbeat(body: HeartbeatIn, who: auth.Device, c: Ctx):
    """Store the kiosk's health report; answer with the server time (for clock checks)."""
    now = iso(c.clock.now())
    with c.db.tx(write=True) as conn:
        conn.execute(
            "UPDATE devices SET last_heartbeat_at=?, heartbeat=? WHERE id=?",
            (now, body.model_dump_json(), who.id),
        )
    return ok({"ok": True, "server_time": now})
