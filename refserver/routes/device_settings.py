"""The shop's kiosk settings from the cloud (issue 19): languages, idle timeouts,
accessibility defaults, the update window.

`POST /admin/device-settings` replaces a shop's set; GET /device carries it as `settings`,
sections and keys as in kiosk.toml, so the kiosk validates it with the models of its own
file. Cooldown and the daily limit are the program's (POST /admin/programs) and reach the
kiosk as `cooldown_seconds` and `stamp_rule.daily_limit` already.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from fastapi import APIRouter, Depends

from refserver import auth, shops
from refserver.clock import iso
from refserver.context import Ctx
from refserver.routes.common import ok, problems
from refserver.schemas import DeviceSettingsIn, IdOut

admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(auth.admin)])


@admin.post("/device-settings", response_model=IdOut, responses=problems(404))
def set_device_settings(body: DeviceSettingsIn, c: Ctx):
    """Replace the shop's kiosk settings; the kiosks pick them up at their next poll."""
    chosen = body.settings.model_dump(exclude_unset=True)
    with c.db.tx(write=True) as conn:
        shop_id = shops.resolve(conn, body.shop_id, c.default_shop_id)
        conn.execute(
            "INSERT INTO device_settings(shop_id, body, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(shop_id) DO UPDATE SET body=excluded.body, updated_at=excluded.updated_at",
            (shop_id, json.dumps(chosen, sort_keys=True), iso(c.clock.now())),
        )
    return ok({"id": shop_id})


def of_shop(conn: sqlite3.Connection, shop_id: str) -> dict[str, Any]:
    """The shop's settings as GET /device carries them ({} while none were set)."""
    row = conn.execute("SELECT body FROM device_settings WHERE shop_id=?", (shop_id,)).fetchone()
    return json.loads(row["body"]) if row is not None else {}
