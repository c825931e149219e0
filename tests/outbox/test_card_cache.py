"""Card cache: round trip of a real card shape, LRU bound, vouchers, self-healing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kiosk.api.models import Card, Milestone, RedeemCode, Voucher
from kiosk.card_cache import CardCache

T = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)


def card(i: int = 1, stamps: int = 4) -> Card:
    v = Voucher(
        id=f"v{i}",
        card_id=f"c{i}",
        title="Free cookie",
        description="",
        image_url=None,
        redemption="self_redeem",
        redeem_code=RedeemCode("ABCD-1234", "qr"),
        state="active",
        valid_from=T,
        valid_until=None,
        redeemed_at=None,
    )
    return Card(
        id=f"c{i}",
        display_name="Mari",
        program_name="Coffee",
        stamps=stamps,
        goal=9,
        milestones=(Milestone(3, "Free cookie"), Milestone(9, "Free coffee")),
        vouchers=(v,),
        next_stamp_at=T,
    )


def test_round_trip_keeps_every_field(tmp_path):
    cache = CardCache(tmp_path)
    cache.put("tok1", card())
    assert cache.card("tok1") == card()
    again = CardCache(tmp_path)  # from the file, in a new process
    assert again.card("tok1") == card()
    assert again.token_of("c1") == "tok1"


def test_view_marks_pending_stamps(tmp_path):
    cache = CardCache(tmp_path)
    cache.put("tok1", card(stamps=4))
    view = cache.view("tok1", pending_stamps=2)
    assert view.card.stamps == 4 and view.pending_stamps == 2 and view.shown_stamps == 6
    unknown = cache.view("nope", pending_stamps=1)
    assert unknown.card is None and unknown.shown_stamps is None


def test_bounded_least_recently_seen_go_first(tmp_path):
    cache = CardCache(tmp_path, size=3)
    for i in range(5):
        cache.put(f"tok{i}", card(i), datetime(2026, 1, 1, 0, i, tzinfo=UTC))
    assert len(cache) == 3
    assert cache.card("tok0") is None and cache.card("tok4") is not None
    assert cache.voucher("v0") is None and cache.voucher("v4")[1] == "tok4"


def test_update_voucher_after_redeem(tmp_path):
    cache = CardCache(tmp_path)
    cache.put("tok1", card())
    v, _ = cache.voucher("v1")
    cache.update_voucher(replace(v, state="redeemed", redeemed_at=T))
    assert cache.voucher("v1")[0].state == "redeemed"


def test_corrupt_cache_starts_empty_and_disabled_cache_is_harmless(tmp_path):
    (tmp_path / "card_cache.sqlite").write_bytes(b"garbage" * 1000)
    cache = CardCache(tmp_path)
    assert cache.card("tok1") is None
    cache.put("tok1", card())
    assert cache.card("tok1") == card()
    off = CardCache(tmp_path / "off", size=0)
    off.put("tok1", card())
    assert off.card("tok1") is None and len(off) == 0
