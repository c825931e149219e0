"""Stamp by phone number, through real HTTP: exact match of the keyed hash within the
kiosk's shop, a masked hint, stamps only (redeeming through a phone lookup is a 403 with a
stable code), and rate limits that answer exactly like "no such number"."""

from __future__ import annotations

import pytest
import requests

from kiosk.api import errors, new_idempotency_key
from kiosk.phone_numbers import phone_hash
from tests.api.conftest import Shop, make_shop, now

NUMBER = "+37251234567"


def hashed(shop: Shop, number: str = NUMBER, client=None) -> str:
    key = (client or shop.client).device().phone_key
    assert key is not None
    return phone_hash(key, number)


def phone_stamp(client, h: str, key: str | None = None, at=None):
    return client.phone_stamp(
        h, idempotency_key=key or new_idempotency_key(), occurred_at=at or now()
    )


@pytest.fixture
def mari(shop: Shop) -> dict:
    return shop.new_card("Mari", phone="+372 5123 4567")


def test_lookup_answers_a_masked_hint_and_the_stamp_lands_on_that_card(shop, mari):
    hint = shop.client.phone_lookup(hashed(shop))
    assert hint.hint == "M***"
    result = phone_stamp(shop.client, hashed(shop))
    assert result.card.display_name == "M***" and result.card.vouchers == ()
    ledger = shop.card_admin(mari["id"])["ledger"]
    assert [(e["count"], e["channel"]) for e in ledger] == [(1, "phone")]


def test_only_the_full_number_matches(shop, mari):
    for other in ("+3725123456", "+372512345678", "+37151234567"):
        with pytest.raises(errors.PhoneNotFound):
            shop.client.phone_lookup(hashed(shop, other))


def test_another_shops_kiosk_finds_nothing(shop, mari):
    other = make_shop(shop.server)
    with pytest.raises(errors.PhoneNotFound):  # its own key and its own cards only
        other.client.phone_lookup(hashed(other, client=other.client))
    key = shop.client.device().phone_key
    with pytest.raises(errors.PhoneNotFound):  # our hash, their kiosk: still nothing
        other.client.phone_lookup(phone_hash(key or "", NUMBER))


def test_a_number_shared_by_two_cards_is_no_match(shop, mari):
    shop.new_card("Maria", phone="+37251234567")
    with pytest.raises(errors.PhoneNotFound):
        shop.client.phone_lookup(hashed(shop))


def test_redeeming_through_a_phone_lookup_is_refused_by_the_server(shop, mari):
    for _ in range(3):
        phone_stamp(shop.client, hashed(shop), None)
        shop.advance(1)
    vouchers = shop.client.card_vouchers(mari["id"])
    assert vouchers, "the third stamp reached the cookie milestone"
    r = requests.post(
        f"{shop.server.url}/api/v1/vouchers/{vouchers[0].id}/redeem",
        json={"occurred_at": now().isoformat(), "phone_hash": hashed(shop)},
        headers={"Authorization": f"Bearer {shop.device_token}"},
        timeout=5,
    )
    assert r.status_code == 403 and r.json()["code"] == "phone_cannot_redeem"
    assert shop.client.card_vouchers(mari["id"])[0].state == "active"


def test_rate_limited_answers_exactly_like_no_such_number(fresh_shop):
    shop = fresh_shop
    shop.new_card("Mari", phone=NUMBER)
    url = f"{shop.server.url}/api/v1/phone/lookup"
    auth = {"Authorization": f"Bearer {shop.device_token}"}

    def ask(h: str) -> requests.Response:
        return requests.post(url, json={"phone_hash": h}, headers=auth, timeout=5)

    unknown = ask(hashed(shop, "+37250000000"))
    answers = [ask(hashed(shop)) for _ in range(6)]  # the number's limit is 5 per window
    assert [a.status_code for a in answers] == [200] * 5 + [404]
    limited = answers[-1]
    assert limited.json() == unknown.json()
    assert limited.headers.get("retry-after") == unknown.headers.get("retry-after")
    # the kiosk's own limit: 10 lookups of any number per window
    for i in range(10):
        ask(hashed(shop, f"+3725000000{i}"))
    other = make_shop(shop.server)
    other.new_card("Jaan", phone="+37255555555")
    assert ask(hashed(other, "+37255555555", other.client)).status_code == 404
    shop.advance(601)  # the window passes
    assert ask(hashed(shop)).status_code == 200


def test_a_replayed_phone_stamp_is_the_first_answer_and_no_second_stamp(shop, mari):
    h, key, at = hashed(shop), new_idempotency_key(), now()
    first = phone_stamp(shop.client, h, key, at)
    again = phone_stamp(shop.client, h, key, at)
    assert again.stamp_id == first.stamp_id
    assert shop.card_admin(mari["id"])["total_stamps"] == 1


def test_a_bad_hash_is_a_validation_error(shop):
    with pytest.raises(errors.InvalidRequest):
        shop.client.phone_lookup("+37251234567")  # never the number itself
