"""Creating a voucher row: used by milestones and by staff (POST /vouchers)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from refserver.clock import iso
from refserver.crypto import new_code, new_id
from refserver.problems import Problem
from refserver.validity import valid_until


def _fresh_code(conn: sqlite3.Connection) -> str:
    """Unique across ALL programs, so a scanned generated code always finds one voucher."""
    while True:
        code = new_code(8)
        if not conn.execute("SELECT 1 FROM vouchers WHERE code_value=?", (code,)).fetchone():
            return code


def issue_voucher(
    conn: sqlite3.Connection,
    now: datetime,
    *,
    shop_id: str,
    card_id: str | None,
    program_key: str,
    title: str,
    description: str,
    image_url: str | None,
    redemption: str,
    code_value: str | None,
    generate_code: bool,
    symbology: str,
    validity: str,
    valid_from: datetime,
    source: str,
    issued_by: str | None,
) -> sqlite3.Row:
    """Check, then insert. A given code must be unused in its program (409 otherwise)."""
    until = valid_until(validity, valid_from, now, reject_past=source != "milestone")
    if code_value is not None:
        code_value = code_value.upper()
        taken = conn.execute(
            "SELECT 1 FROM vouchers WHERE program_key=? AND code_value=?",
            (program_key, code_value),
        ).fetchone()
        if taken:
            raise Problem("redeem_code_taken", f"the code {code_value} is already in use")
    elif generate_code:
        code_value = _fresh_code(conn)
    voucher_id = new_id("vch")
    conn.execute(
        "INSERT INTO vouchers(id, card_id, program_key, title, description, image_url, "
        "redemption, code_value, code_symbology, valid_from, valid_until, source, issued_by, "
        "created_at, shop_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            voucher_id,
            card_id,
            program_key,
            title,
            description,
            image_url,
            redemption,
            code_value,
            symbology if code_value else None,
            iso(valid_from),
            iso(until),
            source,
            issued_by,
            iso(now),
            shop_id,
        ),
    )
    return conn.execute("SELECT * FROM vouchers WHERE id=?", (voucher_id,)).fetchone()
