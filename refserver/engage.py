"""What a shop shows on its kiosks besides the program: its look (branding) and the
attract screen's slides. Rows -> the shapes GET /device carries.

Why here and not in routes/devices.py: GET /device is shared by every feature; it only
adds `engage.branding(...)` and `engage.slides(...)` to its answer.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from refserver.clock import iso


def branding(conn: sqlite3.Connection, shop_id: str, shop_name: str) -> dict[str, Any]:
    """The shop's look: `shop_name` always; logo, colours, voucher images when set."""
    body: dict[str, Any] = {"shop_name": shop_name}
    row = conn.execute("SELECT body FROM shop_branding WHERE shop_id=?", (shop_id,)).fetchone()
    if row is not None:
        body.update(json.loads(row["body"]))
    return body


def slides(conn: sqlite3.Connection, shop_id: str, now: datetime) -> list[dict[str, Any]]:
    """The shop's slides that have not expired (a kiosk keeps future ones for later)."""
    rows = conn.execute(
        "SELECT * FROM slides WHERE shop_id=? AND (until_at IS NULL OR until_at > ?) "
        "ORDER BY position, created_at, id",
        (shop_id, iso(now)),
    ).fetchall()
    out = []
    for r in rows:
        slide: dict[str, Any] = {
            "id": r["id"],
            "image_url": r["image_url"],
            "seconds": r["seconds"],
        }
        if r["from_at"]:
            slide["from"] = r["from_at"]
        if r["until_at"]:
            slide["until"] = r["until_at"]
        if r["languages"]:
            slide["languages"] = json.loads(r["languages"])
        out.append(slide)
    return out


def voucher_image(conn: sqlite3.Connection, shop_id: str, stamps: int) -> str | None:
    """The shop's image for the voucher of the milestone at `stamps`, if it set one."""
    row = conn.execute("SELECT body FROM shop_branding WHERE shop_id=?", (shop_id,)).fetchone()
    if row is None:
        return None
    images = json.loads(row["body"]).get("voucher_images") or {}
    url = images.get(str(stamps))
    return str(url) if url else None
