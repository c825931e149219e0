"""Database rows -> the JSON shapes of the contract (kiosk/api/models.py field names)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from refserver.clock import iso, parse_iso
from refserver.daily import day_window, stamps_today
from refserver.validity import state


def voucher_json(row: sqlite3.Row, now: datetime) -> dict[str, Any]:
    valid_from = parse_iso(row["valid_from"])
    until = parse_iso(row["valid_until"])
    assert valid_from is not None
    code = (
        {"value": row["code_value"], "symbology": row["code_symbology"] or "qr"}
        if row["code_value"]
        else None
    )
    return {
        "id": row["id"],
        "card_id": row["card_id"],
        "title": row["title"],
        "description": row["description"],
        "image_url": row["image_url"],
        "redemption": row["redemption"],
        "redeem_code": code,
        "state": state(valid_from, until, row["redeemed_at"] is not None, now),
        "valid_from": row["valid_from"],
        "valid_until": row["valid_until"],
        "redeemed_at": row["redeemed_at"],
    }


def next_stamp_at(card: sqlite3.Row, cooldown_seconds: int, now: datetime) -> datetime | None:
    """When the next stamp is accepted; None means now."""
    last = parse_iso(card["last_stamp_at"])
    if not cooldown_seconds or last is None:
        return None
    at = last + timedelta(seconds=cooldown_seconds)
    return at if at > now else None


def card_vouchers(conn: sqlite3.Connection, card_id: str, now: datetime) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT * FROM vouchers WHERE card_id=? ORDER BY created_at, id", (card_id,)
    ).fetchall()
    return [voucher_json(r, now) for r in rows]


def card_json(conn: sqlite3.Connection, card: sqlite3.Row, now: datetime) -> dict[str, Any]:
    """A card as a kiosk may show it: the first name only, never contact details."""
    prog = conn.execute("SELECT * FROM programs WHERE id=?", (card["program_id"],)).fetchone()
    milestones = conn.execute(
        "SELECT stamps, title, redemption, variants FROM milestones WHERE program_id=? "
        "ORDER BY stamps",
        (card["program_id"],),
    ).fetchall()
    return {
        "id": card["id"],
        "display_name": card["first_name"],
        "program_name": prog["name"],
        "stamps": card["stamps"],
        "goal": prog["goal"],
        "milestones": [milestone_json(m) for m in milestones],
        "vouchers": card_vouchers(conn, card["id"], now),
        "next_stamp_at": iso(next_stamp_at(card, prog["cooldown_seconds"], now)),
        "daily_limit": prog["daily_limit"],
        "today_stamps": stamps_today(conn, card["id"], now, prog["timezone"]),
        "day_ends_at": iso(day_window(now, prog["timezone"])[1]),
    }


def milestone_json(m: sqlite3.Row) -> dict[str, Any]:
    """A lottery milestone names its outcomes (kind and title, not the odds): the kiosk's
    wheel shows them; the server alone draws."""
    body = {"stamps": m["stamps"], "title": m["title"], "redemption": m["redemption"]}
    if m["variants"]:
        body["variants"] = [
            {"kind": v["kind"], "title": v["title"]} for v in json.loads(m["variants"])
        ]
    return body


def mask_contact(email: str | None, phone: str | None) -> str:
    """Enough for staff to tell two Maris apart, not enough to read a customer's details."""
    if email and "@" in email:
        user, _, domain = email.partition("@")
        return f"{user[:1]}***@{domain}"
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        return f"***{digits[-3:]}" if digits else ""
    return ""
