"""The lottery on the kiosk, as transcripts: the spin shows the server's draw and then
what the stamp brought; offline, "your spin is waiting"; a waiting spin plays on the next
scan (the handler's part, with the real SpinBox on a temp state dir)."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.api.models import Card, LotteryDraw, LotteryOutcome, Milestone, StampResult
from kiosk.cli._customer_handlers import CustomerEffects
from kiosk.flows.customer import CardState, MessageKind, MessageState, RewardState, Stamp
from kiosk.flows.customer.intents import GoBack
from kiosk.flows.customer.lottery import landing, reaches, segments
from kiosk.flows.customer.model import SpinState
from kiosk.outbox_sync import Attempt, Outcome
from kiosk.outcomes import StampKind, StampOutcome
from kiosk.spins import SpinBox
from tests.engage.test_lottery_server import POOL
from tests.flows.customer_fakes import voucher
from tests.flows.test_customer import journey, stamped

OUTCOMES = tuple(LotteryOutcome(v["kind"], v["title"]) for v in POOL)
AT = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)


def spin_card(stamps: int = 3, vouchers=()) -> Card:
    return Card(
        id="c1",
        display_name="Mari",
        program_name="Coffee",
        stamps=stamps,
        goal=6,
        milestones=(Milestone(3, "Spin", "lottery", OUTCOMES), Milestone(6, "Free cake")),
        vouchers=tuple(vouchers),
        next_stamp_at=None,
    )


def draw_of(kind: str) -> LotteryDraw:
    outcome = next(o for o in OUTCOMES if o.kind == kind)
    won = voucher("v9", title=outcome.title) if outcome.won else None
    return LotteryDraw(3, outcome, won)


def test_a_win_spins_to_its_segment_then_shows_the_reward():
    draw = draw_of("award")
    assert draw.voucher is not None
    t = journey()
    won = draw.voucher
    stamped(
        t, StampOutcome(StampKind.ADDED, card=spin_card(3, (won,)), unlocked=(won,), lottery=draw)
    )
    view = t.view
    assert isinstance(view, SpinState) and view.draw == draw
    assert view.segments == tuple((o.kind, o.title) for o in OUTCOMES)
    assert view.segments[landing(view.segments, draw)] == ("award", "Free coffee")
    t.send(GoBack())  # "continue" after the wheel stopped
    assert isinstance(t.view, RewardState) and t.view.vouchers == (won,)


def test_a_try_again_spins_then_shows_the_card():
    draw = draw_of("try_again")
    t = journey()
    stamped(t, StampOutcome(StampKind.ADDED, card=spin_card(3), lottery=draw))
    assert isinstance(t.view, SpinState)
    assert t.view.segments[landing(t.view.segments, draw)] == ("try_again", "Try again")
    t.send(GoBack())
    assert isinstance(t.view, CardState) and t.view.added == 1


def test_every_outcome_lands_on_its_own_segment():
    for outcome in OUTCOMES:
        draw = LotteryDraw(3, outcome)
        segs = segments(spin_card(), draw)
        assert segs[landing(segs, draw)] == (outcome.kind, outcome.title)


def test_a_card_without_the_pool_still_spins_to_the_drawn_outcome():
    draw = draw_of("voucher")
    segs = segments(None, draw)
    assert segs[landing(segs, draw)] == ("voucher", "Half-price cake") and len(segs) == 3


def test_offline_a_stamp_reaching_the_lottery_says_the_spin_is_waiting():
    t = journey()
    stamped(t, StampOutcome(StampKind.SAVED_PENDING, card=spin_card(2), pending=1))
    assert isinstance(t.view, MessageState) and t.view.kind == MessageKind.SPIN_WAITING
    t.send(GoBack())
    stamped(t, StampOutcome(StampKind.SAVED_PENDING, card=spin_card(0), pending=1))
    assert t.view.kind == MessageKind.OFFLINE_SAVED  # 1 of 3: no spin yet
    stamped(t, StampOutcome(StampKind.SAVED_PENDING, card=None, pending=1))
    assert t.view.kind == MessageKind.OFFLINE_SAVED  # a card never seen: we cannot know


def test_reaching_a_lottery_counts_pending_stamps_and_new_rounds():
    assert reaches(spin_card(2), 1) and reaches(spin_card(0), 3) and not reaches(spin_card(0), 2)
    assert reaches(spin_card(6), 3)  # a full card: the third stamp of the next round
    assert not reaches(spin_card(3), 2)


# -- the handler: waiting spins ------------------------------------------------------------


class ScriptedStamps:
    def __init__(self, *outcomes: StampOutcome) -> None:
        self.outcomes = list(outcomes)

    def stamp(self, card_token: str, *, scanned_at: datetime, key: str | None = None):
        return self.outcomes.pop(0)


def _effects(spins: SpinBox, *outcomes: StampOutcome) -> CustomerEffects:
    return CustomerEffects(ScriptedStamps(*outcomes), None, None, spins=spins)  # type: ignore[arg-type]


def test_a_spin_delivered_by_the_sync_plays_on_the_next_scan_once(tmp_path):
    spins = SpinBox(tmp_path)
    draw = draw_of("award")
    synced = StampResult("stp_1", spin_card(3), (), draw)
    spins.on_attempt(Attempt(1, "card:x", Outcome.DONE, synced))  # the worker's listener
    assert SpinBox(tmp_path).waiting("c1") == 1  # kept on disk across a restart
    later = StampOutcome(StampKind.COOLDOWN, card=spin_card(3))
    again = StampOutcome(StampKind.COOLDOWN, card=spin_card(3))
    fx = _effects(SpinBox(tmp_path), later, again)
    first = fx.stamp(Stamp("tok", AT))
    assert first.lottery == draw
    assert fx.stamp(Stamp("tok", AT)).lottery is None  # played once
    t = journey()
    stamped(t, first)
    assert isinstance(t.view, SpinState)
    t.send(GoBack())
    assert isinstance(t.view, MessageState) and t.view.kind == MessageKind.COOLDOWN


def test_a_spin_shown_at_once_is_never_replayed(tmp_path):
    spins = SpinBox(tmp_path)
    draw = draw_of("no_prize")
    result = StampResult("stp_2", spin_card(3), (), draw)
    now = StampOutcome(StampKind.ADDED, result=result, card=result.card, lottery=draw)
    fx = _effects(spins, now, StampOutcome(StampKind.ADDED, card=spin_card(4)))
    assert fx.stamp(Stamp("tok", AT)).lottery == draw
    spins.on_attempt(Attempt(1, "card:x", Outcome.DONE, result))  # the listener came late
    assert spins.waiting("c1") == 0
    assert fx.stamp(Stamp("tok", AT)).lottery is None


def test_a_damaged_spins_file_starts_empty(tmp_path):
    (tmp_path / "spins.json").write_text("{not json")
    assert SpinBox(tmp_path).waiting("c1") == 0
    spins = SpinBox(tmp_path)
    spins.delivered(StampResult("stp_3", spin_card(3), (), draw_of("award")))
    assert oct((tmp_path / "spins.json").stat().st_mode & 0o777) == "0o600"
