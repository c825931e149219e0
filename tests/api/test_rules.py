"""The loyalty rules with the server's clock moved, never slept: cooldown, milestones,
voucher validity at its boundary, pairing codes and staff session expiry (the lockout:
test_staff_lockout.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from kiosk.api import LoyaltyClient, errors, new_idempotency_key
from tests.api.conftest import MILESTONES, Shop, make_shop, now


def stamp(client: LoyaltyClient, card_id: str, count: int = 1):
    return client.add_stamp(
        card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=count
    )


def test_cooldown_rejects_then_allows_after_the_window(refserver):
    shop = make_shop(refserver, cooldown_seconds=600)
    first = stamp(shop.client, shop.card_id)
    assert first.card.next_stamp_at is not None
    with pytest.raises(errors.CooldownActive) as exc:
        stamp(shop.client, shop.card_id)
    err = exc.value
    assert err.status == 409
    assert 595 <= err.retry_after <= 600
    assert err.next_stamp_at == first.card.next_stamp_at
    assert shop.card_admin()["total_stamps"] == 1
    shop.advance(err.retry_after - 5)
    with pytest.raises(errors.CooldownActive) as again:
        stamp(shop.client, shop.card_id)
    assert again.value.retry_after <= 5
    shop.advance(6)
    assert shop.client.card_by_token(shop.card_token).next_stamp_at is None
    assert stamp(shop.client, shop.card_id).card.stamps == 2


def test_cooldown_is_per_card(refserver):
    shop = make_shop(refserver, cooldown_seconds=600)
    other = shop.new_card("Kati")
    stamp(shop.client, shop.card_id)
    assert stamp(shop.client, other["id"]).card.stamps == 1


def test_milestones_3_6_9_issue_their_vouchers_then_a_new_round(shop: Shop):
    unlocked_at = {}
    for n in range(1, 10):
        result = stamp(shop.client, shop.card_id)
        assert result.card.stamps == n
        if result.unlocked_vouchers:
            unlocked_at[n] = result.unlocked_vouchers
    assert sorted(unlocked_at) == [3, 6, 9]
    for n, ms in zip((3, 6, 9), MILESTONES, strict=True):
        (v,) = unlocked_at[n]
        assert (v.title, v.redemption, v.state, v.card_id) == (
            ms["title"],
            ms["redemption"],
            "active",
            shop.card_id,
        )
        assert v.redeem_code is not None
    full = shop.client.card_by_token(shop.card_token)
    assert (full.stamps, full.goal, len(full.vouchers)) == (9, 9, 3)
    assert full.next_milestone() is None
    tenth = stamp(shop.client, shop.card_id)  # the full card starts a new round
    assert tenth.card.stamps == 1 and tenth.unlocked_vouchers == ()
    assert shop.card_admin()["round"] == 2
    assert shop.card_admin()["total_stamps"] == 10


def test_multi_stamp_crossing_two_milestones_issues_both(shop: Shop):
    result = stamp(shop.client, shop.card_id, count=7)
    assert result.card.stamps == 7
    assert [v.title for v in result.unlocked_vouchers] == ["Free cookie", "Free cake"]


def test_voucher_expiry_at_the_boundary(refserver):
    shop = make_shop(refserver)
    staff = shop.client.staff_login(pin=shop.staff(["issue_vouchers"]))
    issue = lambda: shop.client.issue_voucher(  # noqa: E731
        staff,
        {"title": "Day pass", "card_id": shop.card_id, "validity": "days:1"},
        idempotency_key=new_idempotency_key(),
    )
    a, b = issue(), issue()
    assert a.valid_until == a.valid_from + timedelta(days=1)
    clock = refserver.admin("GET", "/admin/clock")
    # one second before valid_until: still active and redeemable
    shop.advance(86400 - 1 - (now() - a.valid_from).total_seconds())
    assert shop.client.voucher(a.id).state == "active"
    assert (
        shop.client.redeem(a.id, idempotency_key=new_idempotency_key(), occurred_at=now()).state
        == "redeemed"
    )
    # at valid_until (the end is exclusive): expired
    shop.advance(1.5)
    assert shop.client.voucher(b.id).state == "expired"
    with pytest.raises(errors.VoucherExpired) as exc:
        shop.client.redeem(b.id, idempotency_key=new_idempotency_key(), occurred_at=now())
    assert exc.value.status == 410
    assert refserver.admin("GET", "/admin/clock")["offset_seconds"] > clock["offset_seconds"]


def test_fixed_date_and_months_validity(refserver):
    shop = make_shop(refserver)
    staff = shop.client.staff_login(pin=shop.staff(["issue_vouchers"]))
    day = (now() + timedelta(days=3)).date()
    v = shop.client.issue_voucher(
        staff,
        {"title": "Gala", "validity": f"fixed_date:{day}"},
        idempotency_key=new_idempotency_key(),
    )
    assert v.valid_until.date() == day + timedelta(days=1) and v.valid_until.hour == 0
    m = shop.client.issue_voucher(
        staff, {"title": "Month", "validity": "months:2"}, idempotency_key=new_idempotency_key()
    )
    assert 59 <= (m.valid_until - m.valid_from).days <= 62
    shop.advance((v.valid_until - now()).total_seconds() + 1)
    assert shop.client.voucher(v.id).state == "expired"
    assert shop.client.voucher(m.id).state == "active"


def test_clock_survives_a_server_restart(refserver):
    refserver.admin("POST", "/admin/clock", {"offset_seconds": 3600})
    refserver.stop()
    refserver.start()
    assert refserver.admin("GET", "/admin/clock")["offset_seconds"] == 3600


def _pair(server, code: str) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/devices/pair",
        timeout=5,
        json={"pairing_code": code, "device_name": "k", "hardware": {}},
    )


def test_pairing_code_is_one_time(shop: Shop):
    code = shop.server.admin("POST", "/admin/pairing-codes", {})["code"]
    LoyaltyClient(shop.server.url).pair(code, "first", {})
    with pytest.raises(errors.PairingCodeUsed) as exc:
        LoyaltyClient(shop.server.url).pair(code, "second", {})
    assert exc.value.status == 409


def test_pairing_code_expires(refserver):
    code = refserver.admin("POST", "/admin/pairing-codes", {"ttl_seconds": 60})["code"]
    refserver.admin("POST", "/admin/clock", {"advance_seconds": 61})
    with pytest.raises(errors.PairingCodeExpired) as exc:
        LoyaltyClient(refserver.url).pair(code, "late", {})
    assert exc.value.status == 410


def test_staff_session_expires(refserver):
    shop = make_shop(refserver)
    staff = shop.client.staff_login(pin=shop.staff(["search_cards"]))
    assert shop.client.search_cards("Mari", staff=staff)
    shop.advance((staff.expires_at - now()).total_seconds() + 1)
    with pytest.raises(errors.Unauthorized):
        shop.client.search_cards("Mari", staff=staff)
