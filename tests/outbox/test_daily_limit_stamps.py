"""The daily limit on the stamp path: the server's 409 is told as DAILY_LIMIT, and an
offline kiosk says so from the cached card's count of today plus its own waiting stamps
(instead of queueing a stamp the cloud will refuse)."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.stamping import StampKind


def now() -> datetime:
    return datetime.now(UTC)


def test_the_servers_daily_limit_is_told_and_recorded(clean_shop):
    shop = clean_shop
    card = shop.card(shop.server.program(daily_limit=1))
    here = shop.services()
    assert here.stamps.stamp(card["token"], scanned_at=now()).kind == StampKind.ADDED
    other_kiosk = shop.services()  # no cached card: the server must say it
    o = other_kiosk.stamps.stamp(card["token"], scanned_at=now())
    assert o.kind == StampKind.DAILY_LIMIT and o.reason == "daily_limit_reached"
    assert o.next_stamp_at is not None and not o.acknowledged
    assert other_kiosk.outbox.get(o.op_id).reason == "daily_limit_reached"
    assert len(shop.ledger(card["id"])) == 1


def test_offline_the_cached_card_knows_todays_count(clean_shop):
    shop = clean_shop
    card = shop.card(shop.server.program(daily_limit=2))
    svc = shop.services()
    first = svc.stamps.stamp(card["token"], scanned_at=now())
    assert first.kind == StampKind.ADDED and first.card.today_stamps == 1
    shop.proxy.set("reset")  # the cloud is away
    second = svc.stamps.stamp(card["token"], scanned_at=now())
    assert second.kind == StampKind.SAVED_PENDING  # 1 counted + this one = the limit
    third = svc.stamps.stamp(card["token"], scanned_at=now())
    assert third.kind == StampKind.DAILY_LIMIT and third.reason == "local"
    assert svc.outbox.pending_count() == 1  # the refused one was never queued
    shop.proxy.set("pass")
    svc.worker.drain()
    assert len(shop.ledger(card["id"])) == 2
