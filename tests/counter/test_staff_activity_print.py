"""The day's staff activity on the printed day summary and the tools page: the server's
list, in words, in the kiosk's language; offline the summary still prints."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kiosk.api import errors
from kiosk.api.models import ActivityEntry, StaffSession
from kiosk.cli._barista_parts import activity_lines
from kiosk.day_summary import DaySummary
from kiosk.flows.staff.printing import summary_coupon

SESSION = StaffSession("t", "7", "Anna", ("*",), None)
AT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


class Api:
    def __init__(self, entries=None, error=None) -> None:
        self.entries, self.error, self.asked = entries or [], error, []

    def staff_activity(self, staff, *, since, until):
        self.asked.append((since, until))
        if self.error:
            raise self.error
        return self.entries


def test_activity_lines_name_who_did_what():
    api = Api(
        [
            ActivityEntry(AT, "Anna", "stamp", 2, "bought_more"),
            ActivityEntry(AT, "Boss", "redeem", 1, "Free cake"),
            ActivityEntry(AT, "Anna", "issue", 1, "Sorry"),
        ]
    )
    lines = activity_lines(api, SESSION, date(2026, 12, 3), "en")
    local = AT.astimezone().strftime("%H:%M")
    assert lines == (
        f"{local} Anna: 2 stamp(s) by hand (bought_more)",
        f"{local} Boss: redeemed Free cake",
        f"{local} Anna: issued Sorry",
    )
    since, until = api.asked[0]
    assert (until - since).total_seconds() == 86400 and since.tzinfo is not None


def test_offline_or_no_session_still_prints_the_summary():
    assert activity_lines(Api(), None, date(2026, 12, 3), "en") == ()
    offline = activity_lines(Api(error=errors.Offline("x")), SESSION, date(2026, 12, 3), "et")
    assert offline and "pole saadaval" in offline[0]


def test_the_printed_summary_carries_the_activity():
    coupon = summary_coupon(
        DaySummary(date(2026, 12, 3), stamps=5), "Kohvik", "en", AT, ("09:30 Anna: redeemed X",)
    )
    assert "Staff activity" in coupon.description
    assert coupon.description.endswith("09:30 Anna: redeemed X")
