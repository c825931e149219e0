"""Daily limits: stamps per card per local shop day, counted by the server.

Why the server counts: a kiosk that was offline, a second kiosk at the other till and a
phone-number stamp all reach the same card; only the cloud sees every stamp. The day is
the program's local day (`timezone`, IANA name, default UTC), so "today" ends at the
shop's midnight, not at UTC's. Staff stamps count towards the day but are not refused:
a barista adding a stamp by hand is a deliberate decision, recorded with its reason.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from refserver.clock import iso
from refserver.problems import Problem


def zone(name: str | None) -> ZoneInfo:
    """The program's zone; an unknown name (cannot be stored, see schemas) falls back to UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def day_window(now: datetime, tz_name: str | None) -> tuple[datetime, datetime]:
    """[start, end) of the local day that holds `now`, as aware datetimes."""
    tz = zone(tz_name)
    local = now.astimezone(tz)
    start = datetime.combine(local.date(), time(0), tz)
    end = datetime.combine(local.date() + timedelta(days=1), time(0), tz)
    return start, end


def stamps_today(conn: sqlite3.Connection, card_id: str, now: datetime, tz_name: str | None) -> int:
    """Stamps the server received for this card in the local day of `now`."""
    start, end = day_window(now, tz_name)
    row = conn.execute(
        "SELECT COALESCE(SUM(count), 0) FROM stamps WHERE card_id=? AND received_at>=? "
        "AND received_at<?",
        (card_id, iso(start), iso(end)),
    ).fetchone()
    return int(row[0])


def check_daily_limit(
    conn: sqlite3.Connection, prog: sqlite3.Row, card_id: str, count: int, now: datetime
) -> None:
    """409 daily_limit_reached (with retry_after to the local midnight) when `count` more
    stamps would pass the program's `daily_limit`; no limit set: nothing to check."""
    limit = prog["daily_limit"]
    if limit is None:
        return
    today = stamps_today(conn, card_id, now, prog["timezone"])
    if today + count <= limit:
        return
    _, end = day_window(now, prog["timezone"])
    raise Problem(
        "daily_limit_reached",
        "this card has collected today's stamps",
        retry_after=max(1, math.ceil((end - now).total_seconds())),
        daily_limit=limit,
        today_stamps=today,
        next_day_at=iso(end),
    )
