"""Lottery milestones on the reference server, through real HTTP: validation, the draw in
the stamp answer, replays, and the draw's distribution (chi-square, 2,000 draws)."""

from __future__ import annotations

import random
import secrets
import sqlite3
import uuid
from collections import Counter

import pytest
import requests

from kiosk.api import LoyaltyClient
from refserver import lottery
from tests.api.conftest import now
from tests.support.refserver import RefServer

POOL = [
    {"kind": "award", "title": "Free coffee", "probability": 10},
    {"kind": "voucher", "title": "Half-price cake", "probability": 20, "redemption": "staff_scan"},
    {"kind": "try_again", "title": "Try again", "probability": 30},
    {"kind": "no_prize", "title": "No prize", "probability": 40},
]
# chi-square critical values at p = 0.001 by degrees of freedom
CRITICAL_001 = {1: 10.828, 2: 13.816, 3: 16.266, 4: 18.467, 5: 20.515}


def spin_program(server: RefServer, pool: list[dict], **extra) -> str:
    return server.program(
        goal=1,
        milestones=[{"stamps": 1, "title": "Spin", "redemption": "lottery", "variants": pool}],
        max_stamps_per_scan=1,
        **extra,
    )


def post_program(server: RefServer, milestones: list[dict]) -> requests.Response:
    return requests.post(
        server.url + "/admin/programs",
        json={"name": "Spin", "goal": 5, "milestones": milestones},
        headers={"X-Admin-Token": server.admin_token},
        timeout=5,
    )


def test_probabilities_not_adding_up_to_100_are_a_422_naming_the_variants(
    shared_refserver: RefServer,
):
    pool = [{"kind": "award", "title": "Cookie", "probability": 50}]
    pool.append({"kind": "try_again", "title": "Again", "probability": 40})
    r = post_program(
        shared_refserver,
        [{"stamps": 3, "title": "Spin", "redemption": "lottery", "variants": pool}],
    )
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "milestones[0] ('Spin').variants" in detail and "90%" in detail
    assert "'Cookie' 50%" in detail and "'Again' 40%" in detail


def test_a_try_again_with_a_redemption_is_named(shared_refserver: RefServer):
    pool = [
        {"kind": "award", "title": "Cookie", "probability": 50},
        {"kind": "try_again", "title": "Again", "probability": 50, "redemption": "self_redeem"},
    ]
    r = post_program(
        shared_refserver,
        [{"stamps": 3, "title": "Spin", "redemption": "lottery", "variants": pool}],
    )
    assert r.status_code == 422
    assert "milestones[0].variants[1] ('Again')" in r.json()["detail"]


@pytest.mark.parametrize(
    ("milestone", "says"),
    [
        ({"stamps": 3, "title": "Spin", "redemption": "lottery"}, "a lottery needs variants"),
        (
            {
                "stamps": 3,
                "title": "Cake",
                "variants": [{"kind": "award", "title": "x", "probability": 100}],
            },
            "only a lottery milestone has variants",
        ),
        (
            {
                "stamps": 3,
                "title": "Spin",
                "redemption": "lottery",
                "variants": [{"kind": "jackpot", "title": "x", "probability": 100}],
            },
            "milestones.0.variants.0.kind",
        ),
        (
            {
                "stamps": 3,
                "title": "Spin",
                "redemption": "lottery",
                "variants": [{"kind": "award", "title": "x", "probability": 100.5}],
            },
            "milestones.0.variants.0.probability",
        ),
        (
            {
                "stamps": 3,
                "title": "Spin",
                "redemption": "lottery",
                "variants": [
                    {"kind": "award", "title": "x", "probability": 0},
                    {"kind": "no_prize", "title": "y", "probability": 100},
                ],
            },
            "milestones.0.variants.0.probability",
        ),
    ],
)
def test_bad_lotteries_are_refused(shared_refserver: RefServer, milestone: dict, says: str):
    r = post_program(shared_refserver, [milestone])
    assert r.status_code == 422
    assert says in r.json()["detail"]


AT = now()


def _stamp(client: LoyaltyClient, card_id: str, key: str):
    return client.add_stamp(card_id, idempotency_key=key, occurred_at=AT)


def test_a_stamp_reaching_the_lottery_carries_the_drawn_outcome(shared_refserver: RefServer):
    server = shared_refserver
    shop = server.shop()
    client = LoyaltyClient(server.url, server.pair_device(shop_id=shop), retries=0)
    program = spin_program(server, POOL, shop_id=shop)
    seen: Counter[str] = Counter()
    for _ in range(40):
        card = server.card(program)
        result = _stamp(client, card["id"], str(uuid.uuid4()))
        draw = result.lottery
        assert draw is not None and draw.milestone == 1
        titles = {v["title"]: v["kind"] for v in POOL}
        assert titles[draw.outcome.title] == draw.outcome.kind
        seen[draw.outcome.kind] += 1
        if draw.outcome.won:
            assert draw.voucher is not None and draw.voucher.title == draw.outcome.title
            assert [v.id for v in result.unlocked_vouchers] == [draw.voucher.id]
            want = "staff_scan" if draw.outcome.kind == "voucher" else "self_redeem"
            assert draw.voucher.redemption == want
        else:
            assert draw.voucher is None and result.unlocked_vouchers == ()
    assert len(seen) >= 3  # 40 spins of 10/20/30/40 %: all four are likely, three surely


def test_a_replayed_stamp_replays_the_same_outcome_and_never_draws_again(refserver: RefServer):
    program = spin_program(refserver, POOL)
    client = LoyaltyClient(refserver.url, refserver.pair_device(), retries=0)
    for _ in range(5):
        card = refserver.card(program)
        key = str(uuid.uuid4())
        first = _stamp(client, card["id"], key)
        replays = [_stamp(client, card["id"], key) for _ in range(10)]
        assert {r.lottery for r in replays} == {first.lottery}
        assert {r.stamp_id for r in replays} == {first.stamp_id}
        admin = refserver.admin("GET", f"/admin/cards/{card['id']}")
        assert len(admin["vouchers"]) == (1 if first.lottery and first.lottery.outcome.won else 0)
        assert admin["total_stamps"] == 1
    with sqlite3.connect(refserver.db) as conn:
        draws = conn.execute("SELECT COUNT(*), COUNT(DISTINCT stamp_id) FROM lottery_draws")
        assert draws.fetchone() == (5, 5)


def _chi_square(counts: Counter[str], n: int) -> float:
    expected = {v["title"]: n * v["probability"] / 100 for v in POOL}
    return sum((counts[t] - e) ** 2 / e for t, e in expected.items())


VARIANTS = [lottery.Variant.from_json(v) for v in POOL]


def test_the_draw_with_a_fixed_seed_follows_the_probabilities():
    rng = random.Random(20261203)
    n = 2000
    counts = Counter(lottery.draw(VARIANTS, rng.randrange).title for _ in range(n))
    chi2 = _chi_square(counts, n)
    print(f"fixed seed: {dict(counts)} chi2={chi2:.2f} (critical {CRITICAL_001[3]})")
    assert chi2 < CRITICAL_001[len(POOL) - 1]


def test_the_draw_with_the_real_csprng_follows_the_probabilities():
    n = 2000
    counts = Counter(lottery.draw(VARIANTS, secrets.randbelow).title for _ in range(n))
    chi2 = _chi_square(counts, n)
    print(f"CSPRNG: {dict(counts)} chi2={chi2:.2f} (critical {CRITICAL_001[3]})")
    assert chi2 < CRITICAL_001[len(POOL) - 1]


def test_the_server_draws_with_the_csprng_unless_a_seed_is_asked_for(monkeypatch):
    monkeypatch.delenv(lottery.ENV_SEED, raising=False)
    assert lottery.source_from_env() is secrets.randbelow
    monkeypatch.setenv(lottery.ENV_SEED, "7")
    first = [lottery.source_from_env()(100) for _ in range(1)]
    assert first == [lottery.source_from_env()(100)]
