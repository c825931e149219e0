"""Redemption needs the cloud by default; offline self-redeem only when allowed, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.outbox import OpState
from kiosk.stamping import RedeemKind, StampKind


def now() -> datetime:
    return datetime.now(UTC)


def card_with_vouchers(shop, svc, stamps: int = 3):
    """A card stamped up to its milestones, seen by this kiosk (so it is in the cache)."""
    card = shop.card()
    unlocked = []
    for _ in range(stamps):
        o = svc.stamps.stamp(card["token"], scanned_at=now())
        assert o.kind == StampKind.ADDED
        unlocked += list(o.unlocked)
    return card, unlocked


def server_voucher(shop, card_id: str, voucher_id: str) -> dict:
    card = shop.server.admin("GET", f"/admin/cards/{card_id}")
    return next(v for v in card["vouchers"] if v["id"] == voucher_id)


def test_online_redeem_then_already_redeemed(clean_shop):
    svc = clean_shop.services()
    card, (cookie,) = card_with_vouchers(clean_shop, svc)
    o = svc.redeems.redeem(cookie.id, scanned_at=now())
    assert o.kind == RedeemKind.REDEEMED and o.voucher.state == "redeemed"
    assert svc.redeems.redeem(cookie.id, scanned_at=now()).kind == RedeemKind.ALREADY_REDEEMED
    assert svc.cache.voucher(cookie.id)[0].state == "redeemed"


def test_offline_redeem_needs_the_cloud_by_default(clean_shop):
    shop = clean_shop
    svc = shop.services()
    card, (cookie,) = card_with_vouchers(shop, svc)
    shop.proxy.set("reset")
    o = svc.redeems.redeem(cookie.id, scanned_at=now())
    assert o.kind == RedeemKind.NEEDS_CLOUD
    assert svc.outbox.pending_count() == 0
    shop.proxy.set("pass")
    assert server_voucher(shop, card["id"], cookie.id)["state"] != "redeemed"


def test_offline_self_redeem_when_allowed_is_queued_and_applied_once(clean_shop):
    shop = clean_shop
    svc = shop.services(allow_offline_redeem=True)
    card, (cookie,) = card_with_vouchers(shop, svc)
    shop.proxy.set("reset")
    o = svc.redeems.redeem(cookie.id, scanned_at=now())
    assert o.kind == RedeemKind.REDEEMED_OFFLINE and o.voucher.id == cookie.id
    assert o.voucher.state == "redeemed" and svc.cache.voucher(cookie.id)[0].state == "redeemed"
    # The same voucher again at this kiosk: already used, not a second queued redemption.
    again = svc.redeems.redeem(cookie.id, scanned_at=now())
    assert again.kind == RedeemKind.ALREADY_REDEEMED
    assert svc.outbox.pending_count() == 1
    shop.proxy.set("pass")
    assert svc.worker.drain(timeout_s=10).remaining == 0
    assert server_voucher(shop, card["id"], cookie.id)["state"] == "redeemed"


def test_offline_redeem_of_a_staff_voucher_still_needs_the_cloud(clean_shop):
    shop = clean_shop
    svc = shop.services(allow_offline_redeem=True)
    card, unlocked = card_with_vouchers(shop, svc, stamps=6)
    cake = next(v for v in unlocked if v.redemption == "staff_scan")
    shop.proxy.set("reset")
    assert svc.redeems.redeem(cake.id, scanned_at=now()).kind == RedeemKind.NEEDS_CLOUD
    assert svc.redeems.redeem("vch_unknown", scanned_at=now()).kind == RedeemKind.NEEDS_CLOUD
    assert svc.outbox.pending_count() == 0


def test_answer_lost_after_redeeming_then_retry_says_redeemed_not_already(clean_shop):
    shop = clean_shop
    svc = shop.services()
    card, (cookie,) = card_with_vouchers(shop, svc)
    shop.proxy.set("drop_answer", only="/redeem")
    first = svc.redeems.redeem(cookie.id, scanned_at=now())
    assert first.kind == RedeemKind.NEEDS_CLOUD  # the customer was not told "redeemed"
    assert server_voucher(shop, card["id"], cookie.id)["state"] == "redeemed"  # but it was
    shop.proxy.set("pass")
    second = svc.redeems.redeem(cookie.id, scanned_at=now())
    assert second.kind == RedeemKind.REDEEMED  # the same key: the server's first answer
    assert second.key == first.key


def test_the_documented_risk_is_recorded_not_hidden(clean_shop):
    """Redeemed offline here while another kiosk redeemed it online: the queued redemption
    is rejected by the cloud and kept with its reason for the shop to see."""
    shop = clean_shop
    here = shop.services(allow_offline_redeem=True)
    card, (cookie,) = card_with_vouchers(shop, here)
    shop.proxy.set("reset")
    assert here.redeems.redeem(cookie.id, scanned_at=now()).kind == RedeemKind.REDEEMED_OFFLINE
    shop.proxy.set("pass")
    there = shop.services()
    assert there.redeems.redeem(cookie.id, scanned_at=now()).kind == RedeemKind.REDEEMED
    report = here.worker.drain(timeout_s=10)
    assert (report.rejected, report.remaining) == (1, 0)
    (row,) = here.outbox.list(("rejected",))
    assert row.state == OpState.REJECTED and row.reason == "voucher_already_redeemed"
