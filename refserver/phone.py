"""Phone numbers as E.164 ("+3725551234"): the one form cards store and lookups compare.

Why exact E.164 only: a lookup by phone must find one customer of this shop or nobody;
"ends with these digits" or a fuzzy match would let a stranger collect on someone else's
card. People type spaces, dashes, dots and brackets, and "00" for "+"; those are dropped.
A number without a country code cannot be made E.164 here and is refused.
"""

from __future__ import annotations

import re
import sqlite3

_SEPARATORS = re.compile(r"[\s().\-/]")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def normalize(raw: str | None) -> str | None:
    """E.164 for `raw`, or None when it is not a full international number."""
    if not raw:
        return None
    text = _SEPARATORS.sub("", raw.strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    return text if _E164.match(text) else None


# -- the shop's phone key: numbers travel and wait only as keyed hashes ------------------


def phone_hash(key: bytes, e164: str) -> str:
    """HMAC-SHA256 of the E.164 number under the shop's phone key (hex)."""
    import hashlib
    import hmac

    return hmac.new(key, e164.encode(), hashlib.sha256).hexdigest()


def existing_shop_key(conn: sqlite3.Connection, shop_id: str) -> bytes | None:
    """The shop's phone key if it was made already (a read: no write lock per GET /device)."""
    row = conn.execute("SELECT phone_key FROM shops WHERE id=?", (shop_id,)).fetchone()
    return bytes.fromhex(row["phone_key"]) if row is not None and row["phone_key"] else None


def shop_key(conn: sqlite3.Connection, shop_id: str) -> bytes:
    """The shop's phone key, made at first use; the shop's cards get their hashes then.

    Why a key per shop: a kiosk hashes a typed number with it (GET /device hands it over;
    the kiosk keeps it in memory only), so a stamp waiting offline is stored as a hash that
    is useless without the key, and one shop's hashes say nothing about another's."""
    import secrets

    existing = existing_shop_key(conn, shop_id)
    if existing is not None:  # made by another request between our read and this write
        return existing
    key = secrets.token_bytes(32)
    conn.execute("UPDATE shops SET phone_key=? WHERE id=?", (key.hex(), shop_id))
    cards = conn.execute(
        "SELECT c.id, c.phone_e164 FROM cards c JOIN programs p ON p.id = c.program_id "
        "WHERE p.shop_id=? AND c.phone_e164 IS NOT NULL",
        (shop_id,),
    ).fetchall()
    conn.executemany(
        "UPDATE cards SET phone_hash=? WHERE id=?",
        [(phone_hash(key, r["phone_e164"]), r["id"]) for r in cards],
    )
    return key


def card_phone_hash(conn: sqlite3.Connection, program_id: str, e164: str | None) -> str | None:
    """The hash a new card of `program_id` stores for its number (None: no number)."""
    if e164 is None:
        return None
    shop = conn.execute("SELECT shop_id FROM programs WHERE id=?", (program_id,)).fetchone()
    return phone_hash(shop_key(conn, shop["shop_id"]), e164)


def mask_name(first_name: str) -> str:
    """ "M***": enough for the owner of the number to recognise, not to learn a name."""
    name = first_name.strip()
    return (name[:1] + "***") if name else "***"
