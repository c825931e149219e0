"""SQLite access: one connection per worker thread, WAL, explicit transactions.

Why BEGIN IMMEDIATE for every write: it takes SQLite's write lock at the start, so the
read-check-write of a stamp, a redeem or an idempotency record is serialized across all
request threads. That (plus conditional UPDATEs) is what makes "self-redeem exactly once"
and "one stamp per Idempotency-Key" hold under races, without any lock in Python.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
-- The reference server's tables. Times are TEXT in one fixed UTC format (see clock.iso),
-- so they compare correctly as text. Secrets (device tokens, staff PINs, badges, staff
-- session tokens) are stored hashed only.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- A shop owns programs (and through them cards and vouchers), locations, devices, staff
-- and pairing codes. A device or staff token reaches its own shop's rows only.
CREATE TABLE IF NOT EXISTS shops (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL,
  privacy_text TEXT, phone_key TEXT, timezone TEXT);

CREATE TABLE IF NOT EXISTS programs (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, goal INTEGER NOT NULL,
  cooldown_seconds INTEGER NOT NULL, created_at TEXT NOT NULL, shop_id TEXT,
  max_stamps_per_scan INTEGER NOT NULL DEFAULT 1, daily_limit INTEGER,
  timezone TEXT NOT NULL DEFAULT 'UTC', birthday_voucher TEXT);

CREATE TABLE IF NOT EXISTS milestones (
  program_id TEXT NOT NULL REFERENCES programs(id), stamps INTEGER NOT NULL,
  title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', redemption TEXT NOT NULL,
  validity TEXT NOT NULL DEFAULT 'unlimited', variants TEXT,
  PRIMARY KEY (program_id, stamps));

-- One row per lottery draw: the stamp that reached the milestone, and what it drew.
CREATE TABLE IF NOT EXISTS lottery_draws (
  stamp_id TEXT NOT NULL, card_id TEXT NOT NULL, milestone INTEGER NOT NULL,
  kind TEXT NOT NULL, title TEXT NOT NULL, voucher_id TEXT, drawn_at TEXT NOT NULL,
  PRIMARY KEY (stamp_id, milestone));

CREATE TABLE IF NOT EXISTS locations (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, program_id TEXT, created_at TEXT NOT NULL,
  shop_id TEXT);

CREATE TABLE IF NOT EXISTS cards (
  id TEXT PRIMARY KEY, program_id TEXT NOT NULL REFERENCES programs(id),
  token TEXT NOT NULL UNIQUE, first_name TEXT NOT NULL, last_name TEXT NOT NULL DEFAULT '',
  email TEXT, phone TEXT, stamps INTEGER NOT NULL DEFAULT 0, round INTEGER NOT NULL DEFAULT 1,
  last_stamp_at TEXT, created_at TEXT NOT NULL, phone_e164 TEXT, consent_at TEXT,
  source TEXT NOT NULL DEFAULT 'admin', phone_hash TEXT, birthday TEXT);

-- One birthday gift per card and birthday year (the once-a-year rule is this key).
CREATE TABLE IF NOT EXISTS birthday_gifts (
  card_id TEXT NOT NULL, year INTEGER NOT NULL, voucher_id TEXT NOT NULL,
  issued_at TEXT NOT NULL, PRIMARY KEY (card_id, year));

CREATE TABLE IF NOT EXISTS stamps (
  id TEXT PRIMARY KEY, card_id TEXT NOT NULL REFERENCES cards(id), count INTEGER NOT NULL,
  occurred_at TEXT NOT NULL, received_at TEXT NOT NULL, channel TEXT NOT NULL,
  device_id TEXT, round INTEGER NOT NULL, staff_id TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS stamps_card ON stamps(card_id);
CREATE INDEX IF NOT EXISTS cards_phone ON cards(phone_hash);

-- Phone lookups and phone stamps, for their rate limits: the number only as its keyed
-- hash, and only for the limits' window (older rows are deleted as new ones come).
CREATE TABLE IF NOT EXISTS phone_attempts (
  id INTEGER PRIMARY KEY, shop_id TEXT NOT NULL, device_id TEXT NOT NULL,
  phone_hash TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS phone_attempts_device ON phone_attempts(device_id, at);
CREATE INDEX IF NOT EXISTS phone_attempts_hash ON phone_attempts(shop_id, phone_hash, at);

CREATE TABLE IF NOT EXISTS vouchers (
  id TEXT PRIMARY KEY, card_id TEXT REFERENCES cards(id), program_key TEXT NOT NULL,
  title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', image_url TEXT,
  redemption TEXT NOT NULL, code_value TEXT, code_symbology TEXT,
  valid_from TEXT NOT NULL, valid_until TEXT, redeemed_at TEXT, redeemed_by TEXT,
  source TEXT NOT NULL, issued_by TEXT, created_at TEXT NOT NULL, shop_id TEXT,
  UNIQUE (program_key, code_value));
CREATE INDEX IF NOT EXISTS vouchers_card ON vouchers(card_id);
CREATE INDEX IF NOT EXISTS vouchers_code ON vouchers(code_value);

CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  location_id TEXT NOT NULL REFERENCES locations(id), hardware TEXT NOT NULL,
  created_at TEXT NOT NULL, last_heartbeat_at TEXT, heartbeat TEXT, shop_id TEXT);

CREATE TABLE IF NOT EXISTS pairing_codes (
  code TEXT PRIMARY KEY, location_id TEXT NOT NULL, expires_at TEXT NOT NULL,
  used_at TEXT, device_id TEXT, shop_id TEXT);

-- pin_hash / badge_hash: "scrypt$n$r$p$salt$hash", a salt of its own per secret.
CREATE TABLE IF NOT EXISTS staff (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, pin_hash TEXT, badge_hash TEXT,
  permissions TEXT NOT NULL, created_at TEXT NOT NULL, shop_id TEXT);

CREATE TABLE IF NOT EXISTS staff_sessions (
  token_hash TEXT PRIMARY KEY, staff_id TEXT NOT NULL REFERENCES staff(id),
  device_id TEXT, expires_at TEXT NOT NULL);

-- Every staff login attempt: 'pending' while its hash is computed, then 'ok' or 'failed'.
-- Lockouts are counted from here in sliding windows; a success never deletes a failure.
CREATE TABLE IF NOT EXISTS staff_login_attempts (
  id INTEGER PRIMARY KEY, shop_id TEXT NOT NULL, device_id TEXT NOT NULL,
  kind TEXT NOT NULL, at TEXT NOT NULL, outcome TEXT NOT NULL, staff_id TEXT);
CREATE INDEX IF NOT EXISTS attempts_device ON staff_login_attempts(device_id, at);
CREATE INDEX IF NOT EXISTS attempts_shop ON staff_login_attempts(shop_id, kind, at);

-- Join forms already sent (the form id is signed, so a GET writes nothing): a replayed
-- form finds its id here and creates no second card.
CREATE TABLE IF NOT EXISTS join_forms_used (
  form_id TEXT PRIMARY KEY, card_id TEXT NOT NULL, used_at TEXT NOT NULL);
-- The shop's look (JSON: logo_url, primary, accent, voucher_images) and attract slides.
CREATE TABLE IF NOT EXISTS shop_branding (shop_id TEXT PRIMARY KEY, body TEXT NOT NULL);
-- The shop's kiosk settings from the cloud (JSON: {"ui": {...}, "staff": {...}, ...}).
CREATE TABLE IF NOT EXISTS device_settings (
  shop_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at TEXT NOT NULL);
-- A release offered to a shop's kiosks (device_id '') or to one kiosk (issue 18): GET
-- /device carries it as `release`; a device's own offer wins over its shop's.
CREATE TABLE IF NOT EXISTS release_offers (
  shop_id TEXT NOT NULL, device_id TEXT NOT NULL DEFAULT '', id TEXT NOT NULL,
  version TEXT NOT NULL, url TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
  signature TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (shop_id, device_id));
CREATE INDEX IF NOT EXISTS release_offers_id ON release_offers(id);
CREATE TABLE IF NOT EXISTS slides (
  id TEXT PRIMARY KEY, shop_id TEXT NOT NULL, image_url TEXT NOT NULL, seconds INTEGER NOT NULL,
  from_at TEXT, until_at TEXT, languages TEXT, position INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS idempotency (
  scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
  status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (scope, key));
"""


# Columns added after the first release: a database file from before gets them at start.
ADDED_COLUMNS = {
    "programs": (
        "shop_id TEXT",
        "max_stamps_per_scan INTEGER NOT NULL DEFAULT 1",
        "daily_limit INTEGER",
        "timezone TEXT NOT NULL DEFAULT 'UTC'",
        "birthday_voucher TEXT",
    ),
    "shops": ("privacy_text TEXT", "phone_key TEXT", "timezone TEXT"),
    "cards": (
        "phone_e164 TEXT",
        "consent_at TEXT",
        "source TEXT NOT NULL DEFAULT 'admin'",
        "phone_hash TEXT",
        "birthday TEXT",
    ),
    "milestones": ("variants TEXT",),
    "locations": ("shop_id TEXT",),
    "stamps": ("staff_id TEXT", "reason TEXT"),
    "vouchers": ("shop_id TEXT",),
    "devices": ("shop_id TEXT",),
    "pairing_codes": ("shop_id TEXT",),
    "staff": ("shop_id TEXT",),
}


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, columns in ADDED_COLUMNS.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if not have:
            continue  # a new database: the schema script creates the table whole
        for column in columns:
            if column.split()[0] not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        conn = self._conn()
        _add_missing_columns(conn)  # before the script: its indexes may need new columns
        conn.executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=15.0)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=15000")
            self._local.conn = conn
        return conn

    @contextmanager
    def tx(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction: IMMEDIATE for writes, DEFERRED (a consistent snapshot) for reads."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        with self.tx() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def read_meta_now(self, key: str) -> str | None:
        """A meta value read outside any transaction, on a connection of its own: callable
        while this thread holds a transaction open (the shared test clock reads its offset
        from inside routes)."""
        conn = getattr(self._local, "meta_conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=15.0)
            self._local.meta_conn = conn
        row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def refresh_clock(self) -> None:
        """Nothing to do here: read_meta_now reads the file each time (in-process, cheap)."""

    def set_meta(self, key: str, value: str) -> None:
        with self.tx(write=True) as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )
