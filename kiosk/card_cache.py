"""The last known state of recently seen cards, for scans while the cloud is away.

Why: offline, the kiosk cannot ask the cloud what a card holds, but a regular customer's
card was seen yesterday. Showing "4 of 9 stamps + 1 pending" beats a bare "saved". The
cache is only ever a display aid and a hint (token -> card id, the card's cooldown, its
self-redeem vouchers): the cloud stays the authority, and the outbox (not this file) is
what makes stamps safe. So this is best-effort: any failure here is logged and ignored,
and nothing waits on it. Only real damage (SQLite says "malformed" / "not a database")
moves the file aside, under a name of its own, and starts a fresh one; a full disk or an
I/O error leaves the file where it is and the kiosk runs without a cache until restart.

Storage: its own SQLite file (a broken cache must never touch the outbox), LRU-bounded to
`offline.card_cache_size` cards. Only what the kiosk may show is kept (first name only).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.api.models import Card, Voucher
from kiosk.outbox import classify
from kiosk.state_files import bound_sqlite_memory, move_aside, prepare_sqlite
from kiosk.state_schema import migrate

log = logging.getLogger(__name__)

DB_NAME = "card_cache.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    token   TEXT PRIMARY KEY,
    card_id TEXT NOT NULL,
    data    TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cards_by_id ON cards(card_id);
CREATE INDEX IF NOT EXISTS cards_by_seen ON cards(seen_at);
CREATE TABLE IF NOT EXISTS vouchers (
    voucher_id TEXT PRIMARY KEY,
    token      TEXT NOT NULL
);
"""
# PRAGMA user_version steps (kiosk/state_schema.py): append, never edit, additive only
MIGRATIONS = [_SCHEMA]


def to_jsonable(value: Any) -> Any:
    """A model (frozen dataclass) as wire-shaped JSON: field names are the wire names."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class CardView:
    """What a screen shows for a card: the last known card plus stamps not yet sent."""

    card: Card | None
    pending_stamps: int
    as_of: datetime | None  # when the cloud last told us about this card

    @property
    def shown_stamps(self) -> int | None:
        return None if self.card is None else self.card.stamps + self.pending_stamps


class CardCache:
    """LRU cache of cards by token (thread-safe, best-effort)."""

    def __init__(self, state_dir: Path | str, size: int = 500) -> None:
        self.path = Path(state_dir) / DB_NAME
        self.size = size
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        if size > 0:
            self._open()

    def _open(self) -> None:
        try:
            self._conn = self._connect()
        except sqlite3.DatabaseError as exc:
            reason = classify(exc, self.path.parent)
            if reason != "corrupt":
                # a full disk or an I/O error says nothing about the file: keep it, go on
                # without a cache; the next start tries again
                log.warning("card cache off for now (%s: %s); %s kept", reason, exc, self.path)
                return
            moved = move_aside(self.path, "corrupt", ("-wal", "-shm"))
            log.warning(
                "card cache %s is damaged (%s): moved to %s, starting empty", self.path, exc, moved
            )
            try:
                self._conn = self._connect()
            except (sqlite3.Error, OSError) as again:
                log.warning("card cache disabled: %s", again)
        except OSError as exc:
            log.warning("card cache disabled: %s", exc)

    def _connect(self) -> sqlite3.Connection:
        prepare_sqlite(self.path)  # 0600 from the first byte, -wal and -shm alike
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last update is fine
            bound_sqlite_memory(conn)
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed")
            migrate(conn, "card cache", MIGRATIONS)
        except BaseException:
            conn.close()
            raise
        return conn

    def _run(self, fn, default=None):
        """Run one cache operation; a cache problem is logged, never raised into a stamp."""
        if self._conn is None:
            return default
        with self._lock:
            try:
                return fn(self._conn)
            except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
                log.warning("card cache: %s", exc)
                with contextlib.suppress(sqlite3.Error):
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                return default

    def put(self, token: str, card: Card, seen_at: datetime | None = None) -> None:
        seen = (seen_at or datetime.now(UTC)).isoformat()
        data = json.dumps(to_jsonable(card))

        def write(c: sqlite3.Connection) -> None:
            c.execute("BEGIN IMMEDIATE")
            c.execute(
                "INSERT OR REPLACE INTO cards(token, card_id, data, seen_at) VALUES (?, ?, ?, ?)",
                (token, card.id, data, seen),
            )
            c.execute("DELETE FROM vouchers WHERE token = ?", (token,))
            c.executemany(
                "INSERT OR REPLACE INTO vouchers(voucher_id, token) VALUES (?, ?)",
                [(v.id, token) for v in card.vouchers],
            )
            if c.execute("SELECT count(*) FROM cards").fetchone()[0] > self.size:
                c.execute(
                    "DELETE FROM cards WHERE token NOT IN "
                    "(SELECT token FROM cards ORDER BY seen_at DESC LIMIT ?)",
                    (self.size,),
                )
                c.execute("DELETE FROM vouchers WHERE token NOT IN (SELECT token FROM cards)")
            c.execute("COMMIT")

        self._run(write)

    def get(self, token: str) -> tuple[Card, datetime] | None:
        def read(c: sqlite3.Connection):
            row = c.execute("SELECT data, seen_at FROM cards WHERE token = ?", (token,)).fetchone()
            if row is None:
                return None
            return Card.from_json(json.loads(row[0])), datetime.fromisoformat(row[1])

        return self._run(read)

    def card(self, token: str) -> Card | None:
        hit = self.get(token)
        return hit[0] if hit else None

    def token_of(self, card_id: str) -> str | None:
        return self._run(
            lambda c: (
                c.execute("SELECT token FROM cards WHERE card_id = ?", (card_id,)).fetchone()
                or [None]
            )[0]
        )

    def voucher(self, voucher_id: str) -> tuple[Voucher, str] | None:
        """A cached voucher and the token of its card (offline self-redeem needs both)."""

        def read(c: sqlite3.Connection):
            row = c.execute(
                "SELECT v.token, c.data FROM vouchers v JOIN cards c ON c.token = v.token "
                "WHERE v.voucher_id = ?",
                (voucher_id,),
            ).fetchone()
            if row is None:
                return None
            card = Card.from_json(json.loads(row[1]))
            found = [v for v in card.vouchers if v.id == voucher_id]
            return (found[0], row[0]) if found else None

        return self._run(read)

    def update_voucher(self, voucher: Voucher) -> None:
        """Keep the cached copy of a card's voucher in step (e.g. after a redemption)."""
        hit = self.voucher(voucher.id)
        if hit is None:
            return
        _, token = hit
        cached = self.get(token)
        if cached is None:
            return
        card, seen = cached
        vouchers = tuple(voucher if v.id == voucher.id else v for v in card.vouchers)
        self.put(token, dataclasses.replace(card, vouchers=vouchers), seen)

    def view(self, token: str, pending_stamps: int) -> CardView:
        hit = self.get(token)
        if hit is None:
            return CardView(None, pending_stamps, None)
        return CardView(hit[0], pending_stamps, hit[1])

    def __len__(self) -> int:
        return int(self._run(lambda c: c.execute("SELECT count(*) FROM cards").fetchone()[0], 0))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None
