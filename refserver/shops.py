"""Shops: the boundary every device and staff token stays inside.

A shop owns programs (and through them cards and their vouchers), free vouchers,
locations, devices, staff and pairing codes. Admin calls may name a `shop_id`; without
one they use the default shop, made at the first start, so callers from before shops
existed keep working. A row of another shop is answered exactly like a missing row.
"""

from __future__ import annotations

import sqlite3

from refserver.clock import Clock, iso
from refserver.crypto import new_id
from refserver.db import Database
from refserver.problems import Problem

DEFAULT_NAME = "Shop"
# Tables whose rows carry shop_id; rows from a database made before shops get the default.
OWNED = ("programs", "locations", "devices", "pairing_codes", "staff", "vouchers")


def ensure_default_shop(db: Database, clock: Clock) -> str:
    """The default shop's id: made once, kept in meta; older rows are given to it."""
    with db.tx(write=True) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key='default_shop'").fetchone()
        shop_id = row[0] if row else new_id("shp")
        if row is None:
            conn.execute(
                "INSERT INTO shops(id, name, created_at) VALUES (?,?,?)",
                (shop_id, DEFAULT_NAME, iso(clock.now())),
            )
            conn.execute("INSERT INTO meta(key, value) VALUES ('default_shop', ?)", (shop_id,))
        for table in OWNED:
            conn.execute(f"UPDATE {table} SET shop_id=? WHERE shop_id IS NULL", (shop_id,))  # noqa: S608
        conn.execute(
            "UPDATE vouchers SET program_key=? WHERE program_key=''", (free_voucher_key(shop_id),)
        )
    return shop_id


def resolve(conn: sqlite3.Connection, shop_id: str | None, default: str) -> str:
    """The shop an admin call names (404 shop_not_found if unknown), else the default."""
    if shop_id is None:
        return default
    if conn.execute("SELECT 1 FROM shops WHERE id=?", (shop_id,)).fetchone() is None:
        raise Problem("shop_not_found", "no shop with this id")
    return shop_id


def free_voucher_key(shop_id: str) -> str:
    """Redeem codes are unique per program; a voucher without a card is unique per shop,
    so one shop's codes never collide with (or reveal) another shop's."""
    return f"shop:{shop_id}"
