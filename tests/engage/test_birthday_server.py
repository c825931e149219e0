"""Birthday gifts on the reference server, through real HTTP, with its test clock moved to
the dates that matter: a year boundary, 29 February, the shop's own time zone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import requests

from kiosk.api import LoyaltyClient
from tests.support.refserver import RefServer

GIFT = {"title": "Birthday cake", "days_valid": 14, "window_days": 7}


def set_now(server: RefServer, when: datetime) -> None:
    offset = (when - datetime.now(UTC)).total_seconds()
    server.admin("POST", "/admin/clock", {"offset_seconds": offset})


class Shop:
    def __init__(self, server: RefServer, timezone: str = "UTC", **gift) -> None:
        self.server = server
        shop = server.admin("POST", "/admin/shops", {"name": "B", "timezone": timezone})["id"]
        self.program = server.program(birthday_voucher={**GIFT, **gift}, shop_id=shop)
        self.client = LoyaltyClient(server.url, server.pair_device(shop_id=shop), retries=0)

    def card(self, birthday: str) -> str:
        return self.server.card(self.program, "Mari", birthday=birthday)["id"]

    def stamp(self, card_id: str, key: str | None = None):
        at = datetime.now(UTC)
        return self.client.add_stamp(
            card_id, idempotency_key=key or str(uuid.uuid4()), occurred_at=at
        )

    def gifts(self, card_id: str) -> list[dict]:
        card = self.server.admin("GET", f"/admin/cards/{card_id}")
        return [v for v in card["vouchers"] if v["title"] == GIFT["title"]]


def test_once_a_year_across_the_year_boundary(refserver: RefServer):
    shop = Shop(refserver)
    card = shop.card("01-02")
    set_now(refserver, datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert shop.stamp(card).birthday is None  # far from the date
    set_now(refserver, datetime(2026, 12, 28, 12, tzinfo=UTC))  # 5 days before, last year
    first = shop.stamp(card).birthday
    assert first is not None and first.title == "Birthday cake" and first.card_id == card
    assert first.valid_until is not None and (first.valid_until - first.valid_from).days == 14
    set_now(refserver, datetime(2027, 1, 3, 12, tzinfo=UTC))  # the next year, same birthday
    again = shop.stamp(card).birthday
    assert again is not None and again.id == first.id  # greeted again, no second gift
    assert len(shop.gifts(card)) == 1
    set_now(refserver, datetime(2027, 12, 30, 12, tzinfo=UTC))  # the 2028 birthday's window
    later = shop.stamp(card).birthday
    assert later is not None and later.id != first.id
    assert len(shop.gifts(card)) == 2


def test_29_february_is_kept_on_28_february_in_other_years(refserver: RefServer):
    shop = Shop(refserver, window_days=0)
    card = shop.card("02-29")
    set_now(refserver, datetime(2027, 3, 1, 12, tzinfo=UTC))
    assert shop.stamp(card).birthday is None
    set_now(refserver, datetime(2027, 2, 28, 12, tzinfo=UTC))
    assert shop.stamp(card).birthday is not None
    set_now(refserver, datetime(2028, 2, 28, 12, tzinfo=UTC))  # a leap year: not yet
    assert shop.stamp(card).birthday is None
    set_now(refserver, datetime(2028, 2, 29, 12, tzinfo=UTC))
    assert shop.stamp(card).birthday is not None
    assert len(shop.gifts(card)) == 2


def test_the_day_is_the_shops_own(refserver: RefServer):
    east = Shop(refserver, timezone="Pacific/Kiritimati", window_days=0)  # UTC+14
    utc = Shop(refserver, timezone="UTC", window_days=0)
    set_now(refserver, datetime(2026, 12, 31, 11, tzinfo=UTC))  # 1 January 01:00 at Kiritimati
    assert east.stamp(east.card("01-01")).birthday is not None
    assert utc.stamp(utc.card("01-01")).birthday is None


def test_a_replayed_stamp_replays_the_gift_and_issues_no_other(refserver: RefServer):
    shop = Shop(refserver)
    card = shop.card("07-15")
    set_now(refserver, datetime(2026, 7, 15, 9, tzinfo=UTC))
    key = str(uuid.uuid4())
    at = datetime.now(UTC)
    first = shop.client.add_stamp(card, idempotency_key=key, occurred_at=at)
    replay = shop.client.add_stamp(card, idempotency_key=key, occurred_at=at)
    assert first.birthday is not None and replay.birthday == first.birthday
    assert len(shop.gifts(card)) == 1


def test_a_card_without_a_birthday_or_a_program_without_a_gift_gets_none(refserver: RefServer):
    shop = Shop(refserver)
    set_now(refserver, datetime(2026, 7, 15, 9, tzinfo=UTC))
    plain = refserver.card(shop.program, "Jaan")["id"]
    assert shop.stamp(plain).birthday is None
    other = refserver.program()
    card = refserver.card(other, "Mari", birthday="07-15")
    client = LoyaltyClient(refserver.url, refserver.pair_device(), retries=0)
    at = datetime.now(UTC)
    assert client.add_stamp(card["id"], idempotency_key="k1", occurred_at=at).birthday is None


@pytest.mark.parametrize("value", ["02-30", "13-01", "00-10", "2-3", "12/24"])
def test_impossible_birthdays_are_refused(shared_refserver: RefServer, value: str):
    program = shared_refserver.program()
    r = requests.post(
        shared_refserver.url + "/admin/cards",
        json={"program_id": program, "first_name": "Mari", "birthday": value},
        headers={"X-Admin-Token": shared_refserver.admin_token},
        timeout=5,
    )
    assert r.status_code == 422 and "birthday" in r.json()["detail"]


def test_an_unknown_time_zone_is_refused(shared_refserver: RefServer):
    r = requests.post(
        shared_refserver.url + "/admin/shops",
        json={"name": "X", "timezone": "Mars/Olympus"},
        headers={"X-Admin-Token": shared_refserver.admin_token},
        timeout=5,
    )
    assert r.status_code == 422 and "timezone" in r.json()["detail"]
