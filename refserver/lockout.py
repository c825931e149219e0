"""Staff login throttling: sliding windows that a successful login cannot reset.

Three limits, all counted from `staff_login_attempts` (one row per attempt):

- per kiosk: after `slow_after` failures in the window each further attempt must wait
  (2 s, 4 s, 8 s, ...); at `kiosk_max_failures` in the window the kiosk is locked until
  the oldest of them leaves it. A valid PIN in between changes nothing: that is what
  stops an insider interleaving their own PIN to reset the count.
- per staff member: a login sends only a PIN, so every failure in a shop is a guess at
  each of its staff members' secrets of that kind. A member whose count (failures since
  the member was created, inside the member window) reaches `member_max_failures` cannot
  log in with that kind of secret until the window moves on. Their right PIN is then
  answered like a wrong one, so a guesser learns nothing from the lock. Badges and PINs
  are counted apart, so guessing PINs cannot lock people out of their badges.
- every attempt is reserved ('pending', counted as a failure) before its hash is
  computed, so parallel requests cannot all slip under the limit at once.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from refserver.clock import iso, parse_iso
from refserver.db import Database
from refserver.problems import Problem

FAILED = "outcome != 'ok'"  # 'pending' counts: it has not proven itself yet


@dataclass(frozen=True)
class Policy:
    kiosk_max_failures: int = 5
    kiosk_window_seconds: int = 300
    slow_after: int = 2
    member_max_failures: int = 20
    member_window_seconds: int = 3600


def kiosk_wait(policy: Policy, failures_desc: list[str], now: datetime) -> int:
    """Seconds this kiosk must wait before its next attempt (0 = go), from the failure
    times inside the kiosk window, newest first."""
    k = len(failures_desc)
    if k >= policy.kiosk_max_failures:
        oldest_that_counts = parse_iso(failures_desc[policy.kiosk_max_failures - 1])
        assert oldest_that_counts is not None
        until = oldest_that_counts + timedelta(seconds=policy.kiosk_window_seconds)
    elif k >= policy.slow_after:
        last = parse_iso(failures_desc[0])
        assert last is not None
        until = last + timedelta(seconds=2 ** (k - policy.slow_after + 1))
    else:
        return 0
    return max(0, math.ceil((until - now).total_seconds()))


def _kiosk_failures(conn: sqlite3.Connection, policy: Policy, device_id: str, now: datetime):
    since = iso(now - timedelta(seconds=policy.kiosk_window_seconds))
    rows = conn.execute(
        f"SELECT at FROM staff_login_attempts WHERE device_id=? AND {FAILED} AND at>? "  # noqa: S608
        "ORDER BY at DESC",
        (device_id, since),
    )
    return [r[0] for r in rows]


def begin(
    db: Database, policy: Policy, now: datetime, *, shop_id: str, device_id: str, kind: str
) -> int:
    """Refuse (429) while the kiosk is locked or slowed down, else reserve the attempt."""
    with db.tx(write=True) as conn:
        failures = _kiosk_failures(conn, policy, device_id, now)
        wait = kiosk_wait(policy, failures, now)
        if wait:
            locked = len(failures) >= policy.kiosk_max_failures
            why = "too many failed logins on this kiosk" if locked else "wait after a failed login"
            raise Problem("staff_locked_out", why, retry_after=wait)
        row = conn.execute(  # RETURNING, not lastrowid: the same on SQLite and PostgreSQL
            "INSERT INTO staff_login_attempts(shop_id, device_id, kind, at, outcome) "
            "VALUES (?, ?, ?, ?, 'pending') RETURNING id",
            (shop_id, device_id, kind, iso(now)),
        ).fetchone()
        return int(row[0])


def candidates(
    db: Database, policy: Policy, now: datetime, *, shop_id: str, kind: str, attempt: int
) -> list[sqlite3.Row]:
    """The shop's staff with a secret of this kind whose own failure count is under the limit."""
    column = "pin_hash" if kind == "pin" else "badge_hash"
    since = iso(now - timedelta(seconds=policy.member_window_seconds))
    with db.tx() as conn:
        return conn.execute(
            f"SELECT s.*, s.{column} AS secret_hash FROM staff s "  # noqa: S608
            f"WHERE s.shop_id=? AND s.{column} IS NOT NULL AND ("
            f" SELECT count(*) FROM staff_login_attempts a WHERE a.shop_id=s.shop_id"
            f" AND a.kind=? AND a.{FAILED} AND a.id!=? AND a.at > CASE WHEN s.created_at > ? THEN s.created_at ELSE ? END) < ? "
            "ORDER BY s.created_at, s.id",
            (shop_id, kind, attempt, since, since, policy.member_max_failures),
        ).fetchall()


def finish(conn: sqlite3.Connection, attempt: int, staff_id: str | None) -> None:
    """Record the outcome: only this attempt's own row changes, never an earlier failure."""
    conn.execute(
        "UPDATE staff_login_attempts SET outcome=?, staff_id=? WHERE id=?",
        ("ok" if staff_id else "failed", staff_id, attempt),
    )


def failure(conn: sqlite3.Connection, policy: Policy, now: datetime, device_id: str) -> Problem:
    """The 401 for a wrong secret, with how many tries this kiosk has left in the window."""
    left = max(0, policy.kiosk_max_failures - len(_kiosk_failures(conn, policy, device_id, now)))
    detail = "wrong PIN or badge" + (
        "; staff login on this kiosk is now locked" if not left else ""
    )
    return Problem("unauthorized", detail, attempts_left=left)
