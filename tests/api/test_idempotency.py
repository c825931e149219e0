"""Exactly once: a replayed Idempotency-Key returns the first answer and never a second
effect, in sequence and under concurrency; two kiosks racing to redeem: one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from kiosk.api import LoyaltyClient, errors, new_idempotency_key
from tests.api.conftest import Shop, make_shop, now


def test_same_stamp_key_five_times_in_sequence_is_one_stamp(shop: Shop):
    key, at = new_idempotency_key(), now()
    results = [
        shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at) for _ in range(5)
    ]
    assert {r.stamp_id for r in results} == {results[0].stamp_id}
    assert all(r == results[0] for r in results)  # the first answer, replayed
    assert shop.card_admin()["total_stamps"] == 1


def test_same_stamp_key_five_times_concurrently_is_one_stamp(shop: Shop):
    key, at = new_idempotency_key(), now()
    clients = [LoyaltyClient(shop.server.url, shop.device_token, retries=0) for _ in range(5)]
    barrier = threading.Barrier(5)

    def send(c: LoyaltyClient):
        barrier.wait()
        return c.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)

    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(send, clients))
    assert len({r.stamp_id for r in results}) == 1
    admin = shop.card_admin()
    assert admin["total_stamps"] == 1 and len(admin["ledger"]) == 1


def test_replay_of_a_milestone_stamp_does_not_issue_a_second_voucher(shop: Shop):
    shop.client.add_stamp(
        shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=2
    )
    key, at = new_idempotency_key(), now()
    first = shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)
    again = shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)
    assert len(first.unlocked_vouchers) == 1 and again.unlocked_vouchers == first.unlocked_vouchers
    assert len(shop.client.card_vouchers(shop.card_id)) == 1
    assert shop.card_admin()["total_stamps"] == 3


def test_same_key_with_a_different_body_is_rejected(shop: Shop):
    key, at = new_idempotency_key(), now()
    shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)
    with pytest.raises(errors.IdempotencyKeyReused) as exc:
        shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at, count=2)
    assert exc.value.status == 422
    other = shop.new_card("Kati")
    with pytest.raises(errors.IdempotencyKeyReused):  # same key, another card (path)
        shop.client.add_stamp(other["id"], idempotency_key=key, occurred_at=at)
    assert shop.card_admin()["total_stamps"] == 1


def test_keys_are_scoped_per_device(shop: Shop):
    key, at = new_idempotency_key(), now()
    a = shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)
    b = shop.new_client().add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)
    assert a.stamp_id != b.stamp_id
    assert shop.card_admin()["total_stamps"] == 2


def test_replayed_redeem_returns_the_first_success(shop: Shop):
    v = shop.client.add_stamp(
        shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=3
    ).unlocked_vouchers[0]
    key, at = new_idempotency_key(), now()
    first = shop.client.redeem(v.id, idempotency_key=key, occurred_at=at)
    again = shop.client.redeem(v.id, idempotency_key=key, occurred_at=at)
    assert first == again and again.state == "redeemed"


def test_replay_is_marked_and_carries_the_stored_status(shop: Shop):
    key = new_idempotency_key()
    url = f"{shop.server.url}/api/v1/cards/{shop.card_id}/stamps"
    headers = {"Authorization": f"Bearer {shop.device_token}", "Idempotency-Key": key}
    body = {"count": 1, "occurred_at": now().isoformat(), "channel": "kiosk"}
    r1 = requests.post(url, json=body, headers=headers, timeout=5)
    r2 = requests.post(url, json=body, headers=headers, timeout=5)
    assert (r1.status_code, r2.status_code) == (201, 201)
    assert r1.json() == r2.json()
    assert "Idempotent-Replayed" not in r1.headers and r2.headers["Idempotent-Replayed"] == "true"


def test_two_kiosks_redeeming_one_voucher_at_once_exactly_one_wins(shop: Shop):
    for _ in range(3):  # a few rounds: a race that passes once by luck is not proof
        v = shop.client.add_stamp(
            shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=3
        ).unlocked_vouchers[0]
        kiosks = [shop.new_client() for _ in range(4)]
        barrier = threading.Barrier(len(kiosks))

        def redeem(c: LoyaltyClient, vid=v.id, barrier=barrier):
            barrier.wait()
            try:
                return c.redeem(vid, idempotency_key=new_idempotency_key(), occurred_at=now())
            except errors.VoucherAlreadyRedeemed as exc:
                return exc

        with ThreadPoolExecutor(len(kiosks)) as pool:
            outcomes = list(pool.map(redeem, kiosks))
        wins = [o for o in outcomes if not isinstance(o, Exception)]
        assert len(wins) == 1, outcomes
        assert all(isinstance(o, errors.VoucherAlreadyRedeemed) for o in outcomes if o not in wins)
        assert shop.client.voucher(v.id).redeemed_at == wins[0].redeemed_at
        # finish the round so the next stamp starts at 0 again
        shop.client.add_stamp(
            shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=6
        )


def test_replay_after_a_server_restart_returns_the_stored_answer(refserver):
    shop = make_shop(refserver)
    key, at = new_idempotency_key(), now()
    first = shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)
    refserver.stop()
    with pytest.raises(errors.Offline):  # the outbox's view of a dead server
        shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)
    refserver.start()
    again = shop.client.add_stamp(shop.card_id, idempotency_key=key, occurred_at=at)
    assert again == first
    assert shop.card_admin()["total_stamps"] == 1


def test_concurrent_distinct_stamps_on_one_card_are_all_counted(shop: Shop):
    """No lost update: 20 kiosks stamping one card at once with their own keys."""
    clients = [LoyaltyClient(shop.server.url, shop.device_token, retries=0) for _ in range(20)]
    barrier = threading.Barrier(len(clients))

    def send(c: LoyaltyClient):
        barrier.wait()
        return c.add_stamp(shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now())

    with ThreadPoolExecutor(len(clients)) as pool:
        results = list(pool.map(send, clients))
    assert len({r.stamp_id for r in results}) == 20
    assert sorted(r.card.stamps for r in results) == sorted([*range(1, 10)] * 2 + [1, 2])
    admin = shop.card_admin()
    assert admin["total_stamps"] == 20 and admin["round"] == 3 and admin["stamps"] == 2
    assert len(admin["vouchers"]) == 6  # milestones 3, 6, 9, 12(=3), 15(=6), 18(=9)


def test_concurrent_stamps_under_cooldown_exactly_one_passes(refserver):
    shop = make_shop(refserver, cooldown_seconds=300)
    clients = [shop.new_client() for _ in range(6)]
    barrier = threading.Barrier(len(clients))

    def send(c: LoyaltyClient):
        barrier.wait()
        try:
            return c.add_stamp(
                shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now()
            )
        except errors.CooldownActive as exc:
            return exc

    with ThreadPoolExecutor(len(clients)) as pool:
        outcomes = list(pool.map(send, clients))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert shop.card_admin()["total_stamps"] == 1
