"""The kiosk's own day log and the day summary staff see at the counter.

Why a local log and not the server: the summary must work offline and must count what
THIS kiosk did (stamps given, vouchers redeemed, vouchers issued here, coupons printed).
Two local sources, read together:
- the outbox (kiosk/outbox.py, outbox.sqlite in the same state_dir), which already holds
  every stamp (and every offline redemption) with its scan time: read-only here, pending
  and done rows count, rejected ones (cooldown, deleted card) do not;
- this day log (daylog.sqlite): vouchers issued and coupons printed by staff mode, and
  redemptions confirmed online (the customer path records them with `record`).
Nothing secret is ever written here: no staff PIN, badge or token, no customer contact
data, only ids the server already shows on coupons.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kiosk.state_files import bound_sqlite_memory, prepare_sqlite
from kiosk.state_schema import migrate

log = logging.getLogger(__name__)

KINDS = ("stamp", "redemption", "voucher_issued", "coupon_printed")
FILE_NAME = "daylog.sqlite"
OUTBOX_FILE = "outbox.sqlite"
# PRAGMA user_version steps (kiosk/state_schema.py): append, never edit, additive only
MIGRATIONS = [
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
    " at TEXT NOT NULL, day TEXT NOT NULL, ref TEXT);\n"
    "CREATE INDEX IF NOT EXISTS events_day ON events(day, kind);"
]
OUTBOX_KINDS = {"stamp": "stamp", "redeem": "redemption"}


@dataclass(frozen=True)
class DaySummary:
    day: date
    stamps: int = 0
    redemptions: int = 0
    vouchers_issued: int = 0
    coupons_printed: int = 0

    def lines(self) -> list[tuple[str, int]]:
        """(i18n key, figure) pairs, in the order screens and paper show them."""
        return [
            ("staff.summary.stamps", self.stamps),
            ("staff.summary.redemptions", self.redemptions),
            ("staff.summary.vouchers_issued", self.vouchers_issued),
            ("staff.summary.coupons_printed", self.coupons_printed),
        ]


class DayLog:
    """Append-only event log; the customer flow records stamps/redemptions, staff the rest."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / FILE_NAME
        self.outbox_path = state_dir / OUTBOX_FILE
        self._lock = threading.Lock()
        prepare_sqlite(self.path)  # first names and voucher ids: 0600, -wal and -shm too
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        bound_sqlite_memory(self._db)
        migrate(self._db, "day log", MIGRATIONS)

    def record(self, kind: str, at: datetime, ref: str | None = None) -> None:
        """Append one event; `at` is aware, the day is the kiosk's local calendar day."""
        if kind not in KINDS:
            raise ValueError(f"unknown day-log kind: {kind}")
        day = at.astimezone().date().isoformat()
        with self._lock:
            self._db.execute(
                "INSERT INTO events(kind, at, day, ref) VALUES (?, ?, ?, ?)",
                (kind, at.isoformat(), day, ref),
            )

    def summary(self, day: date) -> DaySummary:
        with self._lock:
            rows = self._db.execute(
                "SELECT kind, COUNT(*) FROM events WHERE day = ? GROUP BY kind", (day.isoformat(),)
            ).fetchall()
        counts = Counter(dict(rows))
        counts.update(self._outbox_counts(day))
        return DaySummary(
            day=day,
            stamps=counts.get("stamp", 0),
            redemptions=counts.get("redemption", 0),
            vouchers_issued=counts.get("voucher_issued", 0),
            coupons_printed=counts.get("coupon_printed", 0),
        )

    def _outbox_counts(self, day: date) -> Counter:
        """Stamps and offline redemptions of `day` (local) from the outbox, read-only."""
        found: Counter = Counter()
        if not self.outbox_path.exists():
            return found
        try:
            db = sqlite3.connect(f"file:{self.outbox_path}?mode=ro", uri=True, timeout=2)
            try:
                rows = db.execute(
                    "SELECT kind, occurred_at FROM ops WHERE state IN ('pending', 'done')"
                ).fetchall()
            finally:
                db.close()
        except sqlite3.Error as exc:  # a busy or odd outbox must not break the summary
            log.warning("day summary: outbox not readable: %s", exc)
            return found
        for kind, occurred_at in rows:
            name = OUTBOX_KINDS.get(kind)
            if name is None:
                continue
            try:
                when = datetime.fromisoformat(str(occurred_at).replace("Z", "+00:00"))
            except ValueError:
                continue
            if when.astimezone().date() == day:
                found[name] += 1
        return found

    def close(self) -> None:
        with self._lock:
            self._db.close()
