"""The demo shop's daily-limit card is full on any clock, midnight included.

Why: the demo once seeded the limit cards with stamps up to half an hour in the past, so a
demo run just after the shop's midnight found yesterday's stamps, stamped the card and
failed its "see you tomorrow" step (seen in CI at 00:05 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.api.client import LoyaltyClient
from kiosk.api.errors import DailyLimitReached
from kiosk.api.keys import new_idempotency_key
from kiosk.cli._demo_shop import DemoShop


@pytest.fixture
def shop(tmp_path: Path):
    shop = DemoShop(tmp_path / "server").start()
    try:
        yield shop.seed(tmp_path / "device.token")
    finally:
        shop.stop()


def test_the_limit_card_is_full_a_minute_after_midnight(shop: DemoShop) -> None:
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    offset = (midnight - now).total_seconds() + 60  # the server's clock: 00:01 tomorrow
    shop.admin("POST", "/admin/clock", {"offset_seconds": offset})
    shop.fill_day("limit-en")
    client = LoyaltyClient(shop.url, shop.device_token)
    at = midnight + timedelta(seconds=60)
    with pytest.raises(DailyLimitReached):
        client.add_stamp(
            shop.cards["limit-en"]["id"], idempotency_key=new_idempotency_key(), occurred_at=at
        )
    other = client.add_stamp(  # a card of the same program that was not filled still stamps
        shop.cards["limit-et"]["id"], idempotency_key=new_idempotency_key(), occurred_at=at
    )
    assert other.card.stamps == 1
