"""Voucher validity and lifecycle, computed from stored times and the server's clock.

Only "redeemed" is stored; issued/active/expired follow from valid_from/valid_until and
now, so moving the test clock moves every voucher's state with it, with no sweeper job.
A voucher is usable while valid_from <= now < valid_until (the end is exclusive):
`fixed_date:2026-12-31` means through the whole of that day (until 2027-01-01T00:00Z).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from refserver.problems import Problem


def add_months(dt: datetime, months: int) -> datetime:
    """Same day N months later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    month0 = dt.month - 1 + months
    year, month = dt.year + month0 // 12, month0 % 12 + 1
    day = min(dt.day, calendar.monthrange(year, month)[1])
    return dt.replace(year=year, month=month, day=day)


def valid_until(
    validity: str, valid_from: datetime, now: datetime, *, reject_past: bool = True
) -> datetime | None:
    kind, _, arg = validity.partition(":")
    if kind == "unlimited":
        return None
    if kind == "days":
        return valid_from + timedelta(days=int(arg))
    if kind == "months":
        return add_months(valid_from, int(arg))
    if kind == "fixed_date":
        try:
            day = date.fromisoformat(arg)
        except ValueError as exc:
            raise Problem("validation_error", f"validity: {arg} is not a date") from exc
        if reject_past and day < now.date():
            raise Problem("validation_error", "validity: the fixed date is in the past")
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)
    raise Problem("validation_error", f"validity: unknown kind {kind!r}")


def state(valid_from: datetime, until: datetime | None, redeemed: bool, now: datetime) -> str:
    if redeemed:
        return "redeemed"
    if until is not None and now >= until:
        return "expired"
    if now < valid_from:
        return "issued"
    return "active"
