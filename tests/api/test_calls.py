"""Every call of the contract through the client against the running server: the
success answer, and each error code the call can give, as its typed exception."""

from __future__ import annotations

import pytest
import requests

from kiosk.api import CardSummary, LoyaltyClient, errors, new_idempotency_key
from tests.api.conftest import Shop, now


def stamp(shop: Shop, card_id: str | None = None, count: int = 1, client=None):
    return (client or shop.client).add_stamp(
        card_id or shop.card_id,
        idempotency_key=new_idempotency_key(),
        occurred_at=now(),
        count=count,
    )


def test_pair_returns_a_working_device_token_and_location(shop: Shop):
    code = shop.server.admin("POST", "/admin/pairing-codes", {"location_name": "Old Town"})["code"]
    pairing = LoyaltyClient(shop.server.url).pair(code.lower(), "counter-2", {"model": "Pi 5"})
    assert pairing.location is not None and pairing.location.name == "Old Town"
    assert "device_token" not in repr(pairing)  # the token never shows in a repr/log line
    device = LoyaltyClient(shop.server.url, pairing.device_token).device()
    assert device.device_id == pairing.device_id
    assert device.name == "counter-2"


def test_pair_with_unknown_code_is_typed(shop: Shop):
    with pytest.raises(errors.PairingCodeInvalid) as exc:
        LoyaltyClient(shop.server.url).pair("ZZZZZZZZ", "k", {})
    assert exc.value.status == 404


def test_device_settings(shop: Shop):
    d = shop.client.device()
    assert d.location.name == "Test shop"
    assert "en" in d.languages
    assert d.cooldown_seconds >= 0
    assert d.stamp_rule["count"] == 1


def test_heartbeat_is_stored(shop: Shop):
    shop.client.heartbeat(
        {
            "app_version": "0.1.0",
            "uptime_s": 12.5,
            "queue_depth": 2,
            "camera": "ok",
            "printer": "paper_out",
        }
    )
    devices = shop.server.admin("GET", "/admin/devices")["devices"]
    mine = [d for d in devices if d["heartbeat"] and d["heartbeat"].get("printer") == "paper_out"]
    assert mine and mine[-1]["heartbeat"]["queue_depth"] == 2
    assert mine[-1]["last_heartbeat_at"]


def test_heartbeat_rejects_unknown_fields(shop: Shop):
    with pytest.raises(errors.InvalidRequest) as exc:
        shop.client.heartbeat({"uptime_seconds": 1})
    assert exc.value.problem["errors"][0]["loc"] == ["body", "uptime_seconds"]


def test_card_by_token_shows_first_name_only(shop: Shop):
    card = shop.client.card_by_token(shop.card_token)
    assert card.id == shop.card_id
    assert card.display_name == "Mari"
    assert card.program_name == "Coffee"
    assert (card.stamps, card.goal) == (0, 9)
    assert [m.stamps for m in card.milestones] == [3, 6, 9]
    assert card.next_milestone().stamps == 3
    raw = requests.get(
        f"{shop.server.url}/api/v1/cards/by-token/{shop.card_token}",
        timeout=5,
        headers={"Authorization": f"Bearer {shop.device_token}"},
    ).text
    assert "Tamm" not in raw and "mari@example.com" not in raw


def test_card_by_unknown_token(shop: Shop):
    with pytest.raises(errors.CardNotFound) as exc:
        shop.client.card_by_token("no-such-token-0000000")
    assert exc.value.status == 404


def test_add_stamp_returns_updated_card(shop: Shop):
    result = stamp(shop)
    assert result.stamp_id
    assert result.card.stamps == 1
    assert result.unlocked_vouchers == ()
    ledger = shop.card_admin()["ledger"]
    assert [e["stamp_id"] for e in ledger] == [result.stamp_id]
    assert ledger[0]["channel"] == "kiosk"


def test_add_stamp_to_unknown_card(shop: Shop):
    with pytest.raises(errors.CardNotFound):
        stamp(shop, card_id="crd_missing")


def test_card_vouchers(shop: Shop):
    assert shop.client.card_vouchers(shop.card_id) == []
    unlocked = stamp(shop, count=3).unlocked_vouchers
    vouchers = shop.client.card_vouchers(shop.card_id)
    assert [v.id for v in vouchers] == [v.id for v in unlocked]
    with pytest.raises(errors.CardNotFound):
        shop.client.card_vouchers("crd_missing")


def test_voucher_by_id_and_by_code(shop: Shop):
    v = stamp(shop, count=3).unlocked_vouchers[0]
    assert v.redeem_code is not None and len(v.redeem_code.value) == 8
    assert shop.client.voucher(v.id) == v
    assert shop.client.voucher_by_code(v.redeem_code.value) == v
    assert shop.client.voucher_by_code(v.redeem_code.value.lower()) == v
    with pytest.raises(errors.VoucherNotFound):
        shop.client.voucher("vch_missing")
    with pytest.raises(errors.VoucherNotFound):
        shop.client.voucher_by_code("NOSUCHCODE")


def test_self_redeem_then_already_redeemed(shop: Shop):
    v = stamp(shop, count=3).unlocked_vouchers[0]
    done = shop.client.redeem(v.id, idempotency_key=new_idempotency_key(), occurred_at=now())
    assert done.state == "redeemed" and done.redeemed_at is not None
    assert not done.is_usable
    with pytest.raises(errors.VoucherAlreadyRedeemed) as exc:
        shop.client.redeem(v.id, idempotency_key=new_idempotency_key(), occurred_at=now())
    assert exc.value.status == 409
    with pytest.raises(errors.VoucherNotFound):
        shop.client.redeem("vch_missing", idempotency_key=new_idempotency_key(), occurred_at=now())


def test_staff_scan_voucher_is_not_self_redeemable_but_staff_can(shop: Shop):
    cake = stamp(shop, count=6).unlocked_vouchers[-1]
    assert cake.redemption == "staff_scan"
    with pytest.raises(errors.VoucherNotSelfRedeemable) as exc:
        shop.client.redeem(cake.id, idempotency_key=new_idempotency_key(), occurred_at=now())
    assert exc.value.status == 422
    pin = shop.staff(["redeem_vouchers"])
    staff = shop.client.staff_login(pin=pin)
    done = shop.client.redeem(
        cake.id, idempotency_key=new_idempotency_key(), occurred_at=now(), staff=staff
    )
    assert done.state == "redeemed"


def test_staff_login_by_pin_and_badge(shop: Shop):
    pin = shop.staff(["issue_vouchers", "search_cards"], name="Kai", badge="STAFF:kai:s3cr3t-badge")
    by_pin = shop.client.staff_login(pin=pin)
    assert by_pin.staff_name == "Kai"
    assert set(by_pin.permissions) == {"issue_vouchers", "search_cards"}
    assert by_pin.expires_at is not None and by_pin.expires_at > now()
    assert pin not in repr(by_pin) and by_pin.token not in repr(by_pin)
    by_badge = shop.client.staff_login(badge="STAFF:kai:s3cr3t-badge")
    assert by_badge.staff_id == by_pin.staff_id
    with pytest.raises(errors.Unauthorized) as exc:
        shop.client.staff_login(badge="STAFF:kai:wrong")
    assert exc.value.problem["attempts_left"] == 4


def test_staff_login_needs_a_device(shop: Shop):
    with pytest.raises(errors.Unauthorized):
        LoyaltyClient(shop.server.url).staff_login(pin="1234")


def test_staff_logout_ends_the_session(shop: Shop):
    staff = shop.client.staff_login(pin=shop.staff(["search_cards"]))
    assert shop.client.search_cards("Mari", staff=staff)
    shop.client.staff_logout(staff)
    with pytest.raises(errors.Unauthorized):
        shop.client.search_cards("Mari", staff=staff)


def test_search_cards_by_name_email_phone_token(shop: Shop):
    card = shop.new_card(
        "Juhan", last_name="Liiv", email="juhan.liiv@example.com", phone="+372 5123 4567"
    )
    staff = shop.client.staff_login(pin=shop.staff(["search_cards"]))
    for q in ("Juhan", "Liiv", "juhan.liiv@", "51234567", card["token"]):
        found = shop.client.search_cards(q, staff=staff)
        assert card["id"] in [c.id for c in found], q
    hit = next(c for c in shop.client.search_cards("juhan.liiv@", staff=staff))
    assert isinstance(hit, CardSummary)
    assert hit.display_name == "Juhan" and hit.contact_hint == "j***@example.com"


def test_search_cards_needs_a_staff_token_with_permission(shop: Shop):
    staff_without = shop.client.staff_login(pin=shop.staff(["coupons:reprint"]))
    with pytest.raises(errors.Forbidden):
        shop.client.search_cards("Mari", staff=staff_without)
    device_as_staff = type(staff_without)(
        token=shop.device_token, staff_id="x", staff_name="", permissions=(), expires_at=None
    )
    with pytest.raises(errors.Forbidden):
        shop.client.search_cards("Mari", staff=device_as_staff)
    with pytest.raises(errors.InvalidRequest):  # q too short
        shop.client.search_cards("M", staff=shop.client.staff_login(pin=shop.staff(["*"])))


def test_issue_voucher_for_a_card(shop: Shop):
    staff = shop.client.staff_login(pin=shop.staff(["issue_vouchers"]))
    v = shop.client.issue_voucher(
        staff,
        {
            "title": "Sorry for the cold latte",
            "description": "One drink",
            "card_id": shop.card_id,
            "validity": "days:30",
        },
        idempotency_key=new_idempotency_key(),
    )
    assert (v.card_id, v.state, v.redemption, v.redeem_code) == (
        shop.card_id,
        "active",
        "self_redeem",
        None,
    )
    assert (v.valid_until - v.valid_from).days == 30
    assert v.id in [x.id for x in shop.client.card_vouchers(shop.card_id)]


def test_issue_free_voucher_gets_a_unique_code(shop: Shop):
    staff = shop.client.staff_login(pin=shop.staff(["issue_vouchers"]))
    a = shop.client.issue_voucher(staff, {"title": "Party"}, idempotency_key=new_idempotency_key())
    b = shop.client.issue_voucher(staff, {"title": "Party"}, idempotency_key=new_idempotency_key())
    assert a.card_id is None and a.redemption == "redeem_code"
    assert a.redeem_code and b.redeem_code and a.redeem_code.value != b.redeem_code.value
    assert set(a.redeem_code.value) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


def test_issue_voucher_with_given_code_then_taken(shop: Shop):
    staff = shop.client.staff_login(pin=shop.staff(["issue_vouchers"]))
    code = "BDAY" + new_idempotency_key()[:6].upper()
    v = shop.client.issue_voucher(
        staff,
        {"title": "Birthday", "redeem_code": code, "symbology": "code128", "validity": "months:1"},
        idempotency_key=new_idempotency_key(),
    )
    assert v.redeem_code.value == code and v.redeem_code.symbology == "code128"
    assert shop.client.voucher_by_code(code).id == v.id
    with pytest.raises(errors.RedeemCodeTaken) as exc:
        shop.client.issue_voucher(
            staff,
            {"title": "Again", "redeem_code": {"value": code}},
            idempotency_key=new_idempotency_key(),
        )
    assert exc.value.status == 409


def test_issue_voucher_errors(shop: Shop):
    staff = shop.client.staff_login(pin=shop.staff(["issue_vouchers"]))
    key = new_idempotency_key
    with pytest.raises(errors.CardNotFound):
        shop.client.issue_voucher(
            staff, {"title": "x", "card_id": "crd_missing"}, idempotency_key=key()
        )
    with pytest.raises(errors.InvalidRequest):
        shop.client.issue_voucher(staff, {"title": ""}, idempotency_key=key())
    with pytest.raises(errors.InvalidRequest):
        shop.client.issue_voucher(
            staff, {"title": "x", "validity": "weeks:2"}, idempotency_key=key()
        )
    with pytest.raises(errors.InvalidRequest):
        shop.client.issue_voucher(
            staff, {"title": "x", "validity": "fixed_date:2001-01-01"}, idempotency_key=key()
        )
    searcher = shop.client.staff_login(pin=shop.staff(["search_cards"]))
    with pytest.raises(errors.Forbidden):
        shop.client.issue_voucher(searcher, {"title": "x"}, idempotency_key=key())


def test_wrong_device_token_is_unauthorized(shop: Shop):
    bad = LoyaltyClient(shop.server.url, "not-a-real-token", retries=0)
    with pytest.raises(errors.Unauthorized) as exc:
        bad.card_by_token(shop.card_token)
    assert exc.value.status == 401
    assert "not-a-real-token" not in str(exc.value) and "not-a-real-token" not in repr(
        exc.value.problem
    )


def test_issue_accepts_the_staff_forms_mode_shape_and_colon_permissions(shop: Shop):
    staff = shop.client.staff_login(pin=shop.staff(["vouchers:issue"]))
    assert shop.client.search_cards("Mari", staff=staff)  # issuing implies finding the customer
    code = "POS" + new_idempotency_key()[:6].upper()
    given = shop.client.issue_voucher(
        staff,
        {
            "title": "Gift",
            "card_id": shop.card_id,
            "redeem_code": {"mode": "given", "value": code, "symbology": "qr"},
        },
        idempotency_key=new_idempotency_key(),
    )
    assert given.redeem_code.value == code and given.redeem_code.symbology == "qr"
    generated = shop.client.issue_voucher(
        staff,
        {
            "title": "Gift",
            "card_id": shop.card_id,
            "redeem_code": {"mode": "generate", "symbology": "code128"},
        },
        idempotency_key=new_idempotency_key(),
    )
    assert len(generated.redeem_code.value) == 8 and generated.redeem_code.symbology == "code128"
    none = shop.client.issue_voucher(
        staff,
        {"title": "Gift", "card_id": shop.card_id, "redeem_code": None},
        idempotency_key=new_idempotency_key(),
    )
    assert none.redeem_code is None
    with pytest.raises(errors.InvalidRequest):
        shop.client.issue_voucher(
            staff,
            {"title": "x", "redeem_code": {"mode": "given"}},
            idempotency_key=new_idempotency_key(),
        )
    redeemer = shop.client.staff_login(pin=shop.staff(["vouchers:redeem"]))
    assert (
        shop.client.redeem(
            given.id, idempotency_key=new_idempotency_key(), occurred_at=now(), staff=redeemer
        ).state
        == "redeemed"
    )
    with pytest.raises(errors.Forbidden):
        shop.client.search_cards("Mari", staff=redeemer)
