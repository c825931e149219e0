"""Every customer state and transition, timers on a FakeClock, no window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.api import errors
from kiosk.flows.base import FakeClock
from kiosk.flows.customer import (
    AttractState,
    CardState,
    CustomerFlow,
    CustomerSettings,
    MessageKind,
    MessageState,
    OutOfServiceState,
    PrintKind,
    RedeemedState,
    RewardState,
    StampAnswer,
    StampKind,
    VoucherOpenState,
    VouchersState,
    WorkingState,
)
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.flows.customer_fakes import ManualRunner, ScriptedServices, card, voucher

CARD = ClassifiedScan(ScanKind.CARD, "tok_abcdefghijklmnop")
CODE = ClassifiedScan(ScanKind.VOUCHER, "CAKE-1234")


def make(services=None, runner=None, **settings):
    clock = FakeClock()
    cfg = CustomerSettings(**{"idle_timeout_s": 20.0, **settings})
    kw = {"runner": runner} if runner else {}
    flow = CustomerFlow(services or ScriptedServices(), cfg, clock=clock, tz=UTC, **kw)
    seen: list = []
    flow.subscribe(seen.append)
    return flow, clock, seen


def test_starts_on_attract_in_the_shop_language():
    flow, _, _ = make(language="ko", shop_name="Kohvik")
    assert isinstance(flow.state, AttractState)
    assert flow.state.screen == "attract"
    assert flow.state.lang == "ko" and flow.state.shop_name == "Kohvik"


def test_card_scan_shows_working_then_card_with_new_stamp():
    flow, _, seen = make()
    flow.on_scan(CARD)
    assert [type(s) for s in seen] == [WorkingState, CardState]
    st = flow.state
    assert st.screen == "card" and st.added == 1
    assert st.card.display_name == "Mari"
    assert st.remaining == 2 and st.next_title == "Free cake"  # 4 stamps, next milestone 6


def test_card_past_last_milestone_counts_to_goal():
    st = CardState(card=card(stamps=9))
    assert st.remaining == 0 and st.next_title == ""


def test_stamp_that_unlocks_shows_reward_then_voucher_then_back():
    v = voucher()
    services = ScriptedServices(
        stamp_answer=StampAnswer(StampKind.ADDED, card=card(3, (v,)), unlocked=(v,))
    )
    flow, _, _ = make(services)
    flow.on_scan(CARD)
    assert isinstance(flow.state, RewardState) and flow.state.vouchers == (v,)
    flow.touch("open_voucher", voucher_id="v1")
    assert isinstance(flow.state, VoucherOpenState) and flow.state.voucher == v
    flow.touch("back")
    assert isinstance(flow.state, VouchersState)
    flow.touch("back")
    assert isinstance(flow.state, CardState) and flow.state.added == 0
    flow.on_scan(CARD)
    flow.touch("back")  # "later" on the reward: the card with this visit's stamp
    assert isinstance(flow.state, CardState) and flow.state.added == 1


def test_vouchers_list_only_usable_ones():
    vs = (voucher("a"), voucher("b", state="redeemed"), voucher("c", "staff_scan"))
    flow, _, _ = make(ScriptedServices(stamp_answer=StampAnswer(StampKind.ADDED, card=card(4, vs))))
    flow.on_scan(CARD)
    flow.touch("vouchers")
    assert [v.id for v in flow.state.vouchers] == ["a", "c"]
    flow.touch("open_voucher", voucher_id="b")  # redeemed: not openable
    assert isinstance(flow.state, VouchersState)


def test_cooldown_message_names_the_next_stamp_time():
    nxt = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    services = ScriptedServices(
        stamp_answer=StampAnswer(StampKind.COOLDOWN, card=card(), next_stamp_at=nxt)
    )
    flow, _, _ = make(services)
    flow.on_scan(CARD)
    st = flow.state
    assert isinstance(st, MessageState) and st.kind == MessageKind.COOLDOWN
    assert st.value("time") == "14:05"
    flow.touch("back")  # "see my card"
    assert isinstance(flow.state, CardState) and flow.state.added == 0


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (StampAnswer(StampKind.SAVED_PENDING), MessageKind.OFFLINE_SAVED),
        (StampAnswer(StampKind.CARD_NOT_FOUND), MessageKind.CARD_NOT_FOUND),
        (StampAnswer(StampKind.NOT_SAVED), MessageKind.NOT_SAVED),
        (StampAnswer(StampKind.REJECTED), MessageKind.ERROR),
        (errors.ServerError("boom"), MessageKind.NOT_SAVED),
    ],
)
def test_stamp_outcomes_become_calm_messages(answer, kind):
    flow, _, _ = make(ScriptedServices(stamp_answer=answer))
    flow.on_scan(CARD)
    assert isinstance(flow.state, MessageState) and flow.state.kind == kind


@pytest.mark.parametrize("kind", [ScanKind.UNKNOWN, ScanKind.PAIRING])
def test_unknown_payload_never_calls_anything(kind):
    services = ScriptedServices()
    flow, _, _ = make(services)
    flow.on_scan(ClassifiedScan(kind, "x", reason="no pattern"))
    assert flow.state.kind == MessageKind.UNKNOWN_CODE
    assert services.calls == []


def test_scanned_coupon_opens_its_voucher_by_code_and_by_id():
    v = voucher()
    services = ScriptedServices(vouchers={"CAKE-1234": v, "v1": v})
    flow, _, _ = make(services)
    flow.on_scan(CODE)
    assert isinstance(flow.state, VoucherOpenState) and flow.state.card is None
    flow.touch("home")
    flow.on_scan(ClassifiedScan(ScanKind.VOUCHER, "v1", by_id=True))
    assert ("voucher_by_id", "v1") in services.calls
    assert isinstance(flow.state, VoucherOpenState)
    flow.touch("back")  # no card: back means done
    assert isinstance(flow.state, AttractState)


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (voucher(state="redeemed"), MessageKind.ALREADY_REDEEMED),
        (voucher(state="expired"), MessageKind.EXPIRED),
        (errors.VoucherNotFound("no"), MessageKind.VOUCHER_NOT_FOUND),
        (errors.Offline("down"), MessageKind.OFFLINE_REDEEM),
    ],
)
def test_scanned_coupon_problems(answer, kind):
    flow, _, _ = make(ScriptedServices(vouchers={"CAKE-1234": answer}))
    flow.on_scan(CODE)
    assert flow.state.kind == kind


def test_already_redeemed_says_when():
    flow, _, _ = make(ScriptedServices(vouchers={"CAKE-1234": voucher(state="redeemed")}))
    flow.on_scan(CODE)
    assert flow.state.value("when") == "14:05"


def _open_voucher(services, v=None):
    v = v or voucher()
    services.vouchers["CAKE-1234"] = v
    flow, clock, seen = make(services)
    flow.on_scan(CODE)
    return flow, clock, seen


def test_self_redeem_then_code_then_print_once():
    services = ScriptedServices()
    flow, clock, _ = _open_voucher(services)
    flow.touch("redeem", voucher_id="wrong")
    assert isinstance(flow.state, VoucherOpenState)
    flow.touch("redeem", voucher_id="v1")
    st = flow.state
    assert isinstance(st, RedeemedState) and st.code == "CAKE-1234"
    assert st.redeemed_at_text == "14:05" and st.symbology == "qr"
    flow.touch("print")
    assert flow.state.print_status == "printed"
    flow.touch("print")
    assert [c for c in services.calls if c[0] == "print"] == [("print", "v1")]


def test_staff_scan_voucher_cannot_be_self_redeemed():
    services = ScriptedServices()
    flow, _, _ = _open_voucher(services, voucher(redemption="staff_scan"))
    flow.touch("redeem", voucher_id="v1")
    assert flow.state.kind == MessageKind.NOT_SELF_REDEEMABLE
    assert ("redeem", "v1") not in services.calls
    flow.touch("back")
    assert isinstance(flow.state, VoucherOpenState)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (errors.VoucherAlreadyRedeemed("x"), MessageKind.ALREADY_REDEEMED),
        (errors.VoucherExpired("x"), MessageKind.EXPIRED),
        (errors.VoucherNotSelfRedeemable("x"), MessageKind.NOT_SELF_REDEEMABLE),
        (errors.Offline("x"), MessageKind.OFFLINE_REDEEM),
        (errors.Unauthorized("x"), MessageKind.ERROR),
    ],
)
def test_redeem_errors(exc, kind):
    flow, _, _ = _open_voucher(ScriptedServices(redeem_answer=exc))
    flow.touch("redeem", voucher_id="v1")
    assert flow.state.kind == kind


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (PrintKind.PAPER_OUT, MessageKind.PAPER_OUT),
        (PrintKind.FAILED, MessageKind.PRINT_FAILED),
        (OSError("usb gone"), MessageKind.PRINT_FAILED),
    ],
)
def test_print_problems_keep_the_code_reachable(answer, kind):
    flow, _, _ = _open_voucher(ScriptedServices(print_answer=answer))
    flow.touch("redeem", voucher_id="v1")
    flow.touch("print")
    assert flow.state.kind == kind
    flow.touch("back")
    st = flow.state
    assert isinstance(st, RedeemedState) and st.code == "CAKE-1234"
    assert st.print_status in ("paper_out", "failed")


def test_unconfirmed_print_is_not_printed_again_by_another_tap():
    services = ScriptedServices(print_answer=PrintKind.UNCONFIRMED)
    flow, _, _ = _open_voucher(services)
    flow.touch("redeem", voucher_id="v1")
    flow.touch("print")
    assert flow.state.kind == MessageKind.PRINT_FAILED  # "show this screen to our staff"
    flow.touch("back")
    assert flow.state.print_status == "unconfirmed"
    flow.touch("print")  # the coupon may be in the tray: no second copy from a tap
    assert [c for c in services.calls if c[0] == "print"] == [("print", "v1")]


def test_idle_timeout_returns_to_attract_and_resets_language():
    flow, clock, _ = make(language="et")
    flow.touch("language", lang="zh")
    assert flow.state.lang == "zh"
    flow.on_scan(CARD)
    assert flow.state.lang == "zh"
    clock.advance(19.9)
    flow.tick()
    assert isinstance(flow.state, CardState)
    flow.touch("wake")  # a touch extends the visit
    clock.advance(19.9)
    flow.tick()
    assert isinstance(flow.state, CardState)
    clock.advance(0.2)
    flow.tick()
    assert isinstance(flow.state, AttractState) and flow.state.lang == "et"


def test_language_outside_the_shop_list_is_ignored():
    flow, _, _ = make(languages=("en", "ko"))
    flow.touch("language", lang="zh")
    assert flow.state.lang == "en"
    flow.touch("language", lang="ko")
    assert flow.state.lang == "ko" and isinstance(flow.state, AttractState)


def test_answer_after_idle_timeout_is_dropped():
    runner = ManualRunner()
    flow, clock, seen = make(runner=runner)
    flow.on_scan(CARD)
    assert isinstance(flow.state, WorkingState)
    clock.advance(21)
    flow.tick()
    assert isinstance(flow.state, AttractState)
    runner.release_all()
    assert isinstance(flow.state, AttractState)
    assert not any(isinstance(s, CardState) for s in seen)


def test_two_scans_in_a_row_second_ignored_while_working():
    runner = ManualRunner()
    services = ScriptedServices()
    flow, _, _ = make(services, runner=runner)
    flow.on_scan(CARD)
    flow.on_scan(ClassifiedScan(ScanKind.CARD, "someone_else_token_1"))
    runner.release_all()
    assert isinstance(flow.state, CardState)
    assert services.calls == [("stamp", CARD.value)]


def test_scan_while_voucher_open_starts_a_new_journey():
    services = ScriptedServices()
    flow, _, _ = _open_voucher(services)
    flow.on_scan(CARD)
    assert isinstance(flow.state, CardState)


def test_home_drops_a_pending_answer():
    runner = ManualRunner()
    flow, _, _ = make(ScriptedServices(vouchers={"CAKE-1234": voucher()}), runner=runner)
    flow.on_scan(CODE)
    flow.touch("home")
    runner.release_all()
    assert isinstance(flow.state, AttractState)


def test_home_does_not_abandon_a_redemption_in_flight():
    runner = ManualRunner()
    flow, _, _ = make(ScriptedServices(vouchers={"CAKE-1234": voucher()}), runner=runner)
    flow.on_scan(CODE)
    runner.release_all()
    flow.touch("redeem", voucher_id="v1")
    flow.touch("home")
    runner.release_all()
    assert isinstance(flow.state, RedeemedState)


def test_screen_blanks_and_first_touch_only_wakes():
    flow, clock, _ = make(screen_blank_after_s=60)
    flow.touch("language", lang="ko")
    clock.advance(61)
    flow.tick()
    assert flow.state.blanked
    flow.touch("language", lang="et")  # swallowed: it only wakes the screen
    assert not flow.state.blanked and flow.state.lang == "ko"
    flow.touch("language", lang="et")
    assert flow.state.lang == "et"


def test_out_of_service_ignores_everything_until_back():
    services = ScriptedServices()
    flow, clock, _ = make(services)
    flow.out_of_service("config: [printer] uri: bad")
    assert isinstance(flow.state, OutOfServiceState) and flow.state.screen == "out_of_service"
    flow.on_scan(CARD)
    flow.touch("home")
    clock.advance(100)
    flow.tick()
    assert isinstance(flow.state, OutOfServiceState) and services.calls == []
    flow.back_in_service()
    assert isinstance(flow.state, AttractState)


def test_every_state_is_immutable_and_named():
    flow, _, seen = make(ScriptedServices(vouchers={"CAKE-1234": voucher()}))
    flow.on_scan(CARD)
    flow.on_scan(CODE)
    flow.touch("redeem", voucher_id="v1")
    for st in seen:
        assert st.screen
        with pytest.raises(AttributeError):
            st.lang = "xx"
