"""The kiosk's own day log and the day summary staff see at the counter.

Why a local log and not the server: the summary must work offline and must count what
THIS kiosk did (stamps given, vouchers redeemed, vouchers issued here, coupons printed).
One small SQLite file in state_dir; rows carry a kind, a time and an optional reference
(voucher id). Nothing secret is ever written here: no staff PIN, badge or token, no
customer contact data, only ids the server already shows on coupons.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

KINDS = ("stamp", "redemption", "voucher_issued", "coupon_printed")
FILE_NAME = "daylog.sqlite"


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
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
            " at TEXT NOT NULL, day TEXT NOT NULL, ref TEXT)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS events_day ON events(day, kind)")

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
        counts = dict(rows)
        return DaySummary(
            day=day,
            stamps=counts.get("stamp", 0),
            redemptions=counts.get("redemption", 0),
            vouchers_issued=counts.get("voucher_issued", 0),
            coupons_printed=counts.get("coupon_printed", 0),
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()
