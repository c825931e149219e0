"""Birthday gifts: a program's `birthday_voucher`, issued once a year to a card with a
`birthday` (MM-DD), when the card is stamped in a window around the date.

Rules, and why:
- The date is the shop's: "today" is the server's now in the shop's time zone (a kiosk in
  Tallinn at 00:30 is already on the next day while UTC is not).
- The window is `window_days` either side of the birthday; the occurrence nearest to today
  is the one that counts, so a birthday on 2 January is reached from 28 December, and the
  gift belongs to the new year's birthday.
- 29 February: in a year without it, the birthday is kept on 28 February.
- Once a year: `birthday_gifts` has one row per card and birthday year (its primary key),
  written in the stamp's transaction, so a second visit in the window, a replayed stamp or
  a race between two kiosks never issues a second gift.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from refserver.problems import Problem

DEFAULT_WINDOW_DAYS = 7


def parse_birthday(value: str) -> tuple[int, int]:
    """MM-DD -> (month, day); 422 for a date no calendar has (02-29 is fine)."""
    try:
        month, day = (int(part) for part in value.split("-"))
        date(2000, month, day)  # a leap year: 02-29 exists
    except ValueError as exc:
        raise Problem("validation_error", f"birthday: {value!r} is not a MM-DD date") from exc
    return month, day


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Problem("validation_error", f"timezone: unknown time zone {name!r}") from exc
    return name


def occurrence(month: int, day: int, year: int) -> date:
    """The birthday in `year` (29 February on 28 February when the year has none)."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, 2, 28)


def nearest(month: int, day: int, today: date) -> date:
    """The birthday occurrence closest to `today` (last year's, this year's or next)."""
    candidates = [occurrence(month, day, today.year + k) for k in (-1, 0, 1)]
    return min(candidates, key=lambda d: abs((d - today).days))


def local_today(now: datetime, tz_name: str | None) -> date:
    tz = ZoneInfo(tz_name) if tz_name else ZoneInfo("UTC")
    return now.astimezone(tz).date()


def due_year(birthday: str, today: date, window_days: int) -> int | None:
    """The birthday year whose window `today` falls in, or None."""
    month, day = parse_birthday(birthday)
    when = nearest(month, day, today)
    return when.year if abs((when - today).days) <= window_days else None


def gift(
    conn: sqlite3.Connection,
    card: sqlite3.Row,
    prog: sqlite3.Row,
    now: datetime,
    issue: Any,
) -> sqlite3.Row | None:
    """This year's birthday voucher of the card when today is in its window (issued now
    by `issue(settings) -> voucher row` if it was not yet); else None."""
    if not card["birthday"] or not prog["birthday_voucher"]:
        return None
    settings = json.loads(prog["birthday_voucher"])
    shop = conn.execute("SELECT timezone FROM shops WHERE id=?", (prog["shop_id"],)).fetchone()
    today = local_today(now, shop["timezone"] if shop else None)
    year = due_year(card["birthday"], today, int(settings.get("window_days", DEFAULT_WINDOW_DAYS)))
    if year is None:
        return None
    row = conn.execute(
        "SELECT v.* FROM birthday_gifts g JOIN vouchers v ON v.id = g.voucher_id "
        "WHERE g.card_id=? AND g.year=?",
        (card["id"], year),
    ).fetchone()
    if row is not None:
        return row
    voucher = issue(settings)
    conn.execute(
        "INSERT INTO birthday_gifts(card_id, year, voucher_id, issued_at) VALUES (?,?,?,?)",
        (card["id"], year, voucher["id"], voucher["valid_from"]),
    )
    return voucher
