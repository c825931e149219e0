"""Daily limits through real HTTP: stamps per card per local shop day, counted by the
server; over the limit a kiosk gets 409 daily_limit_reached with retry_after."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from kiosk.api import errors, new_idempotency_key
from tests.api.conftest import make_shop, now


def stamp(client, card_id, count=1):
    return client.add_stamp(
        card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=count
    )


def seconds_to_midnight(tz: str) -> float:
    from zoneinfo import ZoneInfo

    local = datetime.now(UTC).astimezone(ZoneInfo(tz))
    return 86400 - (local.hour * 3600 + local.minute * 60 + local.second)


def test_the_limit_stops_the_third_stamp_of_the_day_and_says_when_to_come_back(fresh_shop):
    shop = make_shop(fresh_shop.server, daily_limit=2, timezone="Europe/Tallinn")
    assert stamp(shop.client, shop.card_id).card.today_stamps == 1
    second = stamp(shop.client, shop.card_id).card
    assert (second.today_stamps, second.daily_limit) == (2, 2)
    assert second.day_ends_at is not None and second.day_ends_at > now()
    with pytest.raises(errors.DailyLimitReached) as exc:
        stamp(shop.client, shop.card_id)
    err = exc.value
    assert err.status == 409 and err.code == "daily_limit_reached"
    assert abs(err.retry_after - seconds_to_midnight("Europe/Tallinn")) < 5
    assert err.next_day_at == second.day_ends_at
    assert shop.card_admin()["total_stamps"] == 2  # nothing was added
    # the next local day counts afresh
    shop.advance(err.retry_after + 1)
    assert stamp(shop.client, shop.card_id).card.today_stamps == 1


def test_a_count_that_would_pass_the_limit_is_refused_whole(shared_refserver):
    shop = make_shop(shared_refserver, daily_limit=3)
    stamp(shop.client, shop.card_id, 2)
    with pytest.raises(errors.DailyLimitReached):
        stamp(shop.client, shop.card_id, 2)
    assert stamp(shop.client, shop.card_id, 1).card.today_stamps == 3


def test_no_limit_by_default_and_null_is_no_limit(shared_refserver):
    shop = make_shop(shared_refserver, daily_limit=None)
    for _ in range(5):
        card = stamp(shop.client, shop.card_id).card
    assert (card.daily_limit, card.today_stamps) == (None, 5)


def test_staff_stamps_count_but_are_not_refused(shared_refserver):
    shop = make_shop(shared_refserver, daily_limit=1)
    stamp(shop.client, shop.card_id)
    staff = shop.client.staff_login(pin=shop.staff(["*"]))
    r = requests.post(
        f"{shop.server.url}/api/v1/cards/{shop.card_id}/stamps",
        json={"count": 1, "occurred_at": now().isoformat(), "channel": "staff"},
        headers={"Authorization": f"Bearer {staff.token}", "Idempotency-Key": "staff-1"},
        timeout=5,
    )
    assert r.status_code == 201 and r.json()["card"]["today_stamps"] == 2


@pytest.mark.parametrize(
    "bad", [{"daily_limit": 0}, {"daily_limit": "2"}, {"timezone": "Mars/Olympus"}]
)
def test_admin_refuses_a_bad_daily_limit_or_zone(shared_refserver, bad):
    r = requests.post(
        shared_refserver.url + "/admin/programs",
        json={"name": "P", "goal": 9, **bad},
        headers={"X-Admin-Token": shared_refserver.admin_token},
        timeout=5,
    )
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
