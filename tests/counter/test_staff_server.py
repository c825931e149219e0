"""The barista's server calls through real HTTP: check a voucher (with its card's first
name), redeem it exactly once with the staff token, stamps by hand with a recorded reason
(staff, reason and kiosk), permissions, and the day's activity list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from kiosk.api import errors, new_idempotency_key
from tests.api.conftest import Shop, now


def staff_scan_voucher(shop: Shop):
    """Six stamps by hand reach the staff-scan 'Free cake' milestone."""
    boss = shop.client.staff_login(pin=shop.staff(["*"], name="Boss"))
    shop.client.staff_add_stamps(
        boss,
        shop.card_id,
        count=6,
        reason="setup",
        idempotency_key=new_idempotency_key(),
        occurred_at=now(),
    )
    return next(v for v in shop.client.card_vouchers(shop.card_id) if v.redemption == "staff_scan")


def test_check_shows_the_voucher_and_the_cards_first_name(shop):
    v = staff_scan_voucher(shop)
    anna = shop.client.staff_login(pin=shop.staff(["vouchers:redeem"], name="Anna"))
    checked = shop.client.staff_check_voucher(anna, voucher_id=v.id)
    assert checked.voucher.title == "Free cake" and checked.card_name == "Mari"
    assert checked.voucher.state == "active"


def test_check_by_code_and_without_permission(shop):
    v = staff_scan_voucher(shop)
    anna = shop.client.staff_login(pin=shop.staff(["vouchers:redeem"]))
    assert v.redeem_code is not None
    by_code = shop.client.staff_check_voucher(anna, code=v.redeem_code.value.lower())
    assert by_code.voucher.id == v.id
    nobody = shop.client.staff_login(pin=shop.staff(["vouchers:issue"]))
    with pytest.raises(errors.Forbidden):
        shop.client.staff_check_voucher(nobody, voucher_id=v.id)
    with pytest.raises(errors.NotFound):
        shop.client.staff_check_voucher(anna, code="NOSUCHCODE")


def test_staff_redeem_is_exactly_once_under_a_race(shop):
    v = staff_scan_voucher(shop)
    anna = shop.client.staff_login(pin=shop.staff(["vouchers:redeem"]))
    at = now()

    def redeem(key: str):
        try:
            return shop.client.redeem(v.id, idempotency_key=key, occurred_at=at, staff=anna)
        except errors.VoucherAlreadyRedeemed as exc:
            return exc

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(redeem, [new_idempotency_key() for _ in range(4)]))
    assert sum(1 for a in answers if not isinstance(a, Exception)) == 1
    # any later attempt hears "already redeemed"
    key = new_idempotency_key()
    with pytest.raises(errors.VoucherAlreadyRedeemed):
        shop.client.redeem(v.id, idempotency_key=key, occurred_at=at, staff=anna)


def test_stamps_by_hand_record_staff_reason_and_kiosk(shop):
    anna = shop.client.staff_login(pin=shop.staff(["stamps:add"], name="Anna"))
    result = shop.client.staff_add_stamps(
        anna,
        shop.card_id,
        count=2,
        reason="bought_more: two coffees",
        idempotency_key=new_idempotency_key(),
        occurred_at=now(),
    )
    assert result.card.stamps == 2
    [entry] = shop.card_admin()["ledger"]
    assert entry["staff_id"] and entry["reason"] == "bought_more: two coffees"
    assert entry["device_id"] and entry["channel"] == "staff"


def test_stamps_by_hand_need_the_permission(shop):
    nobody = shop.client.staff_login(pin=shop.staff(["vouchers:issue"]))
    with pytest.raises(errors.Forbidden):
        shop.client.staff_add_stamps(
            nobody,
            shop.card_id,
            count=1,
            reason="x",
            idempotency_key=new_idempotency_key(),
            occurred_at=now(),
        )


def test_the_days_activity_names_who_stamped_redeemed_and_issued(shop):
    v = staff_scan_voucher(shop)  # Boss: 6 stamps by hand
    anna = shop.client.staff_login(pin=shop.staff(["*"], name="Anna"))
    shop.client.redeem(v.id, idempotency_key=new_idempotency_key(), occurred_at=now(), staff=anna)
    shop.client.issue_voucher(anna, {"title": "Sorry"}, idempotency_key=new_idempotency_key())
    t = now()
    entries = shop.client.staff_activity(
        anna, since=t - timedelta(hours=1), until=t + timedelta(hours=1)
    )
    got = [(e.staff_name, e.kind, e.count, e.detail) for e in entries]
    assert ("Boss", "stamp", 6, "setup") in got
    assert ("Anna", "redeem", 1, "Free cake") in got
    assert ("Anna", "issue", 1, "Sorry") in got
    other = shop.client.staff_login(pin=shop.staff(["vouchers:issue"]))
    with pytest.raises(errors.Forbidden):
        shop.client.staff_activity(other, since=t, until=t)


def test_stamps_by_hand_are_not_held_back_by_the_cooldown(shared_refserver):
    from tests.api.conftest import make_shop

    shop = make_shop(shared_refserver, cooldown_seconds=3600)
    shop.client.add_stamp(shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now())
    with pytest.raises(errors.CooldownActive):  # a second scan: the kiosk is held back
        shop.client.add_stamp(
            shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now()
        )
    anna = shop.client.staff_login(pin=shop.staff(["stamps:add"]))
    done = shop.client.staff_add_stamps(
        anna,
        shop.card_id,
        count=1,
        reason="bought_more",
        idempotency_key=new_idempotency_key(),
        occurred_at=now(),
    )
    assert done.card.stamps == 2
