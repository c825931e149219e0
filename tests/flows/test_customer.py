"""Every customer state and transition, as transcripts: events in, views and effects out.

No host, no threads, no clock: time is `t.advance(seconds)`, an effect's answer is whatever
the test says (tests/support/transcript.py). The host's stale-answer guard is tested once in
test_runtime_host.py; here the flow's part of it is checked: the epoch moves on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from kiosk.api import errors
from kiosk.flows.customer import (
    AttractState,
    BackInService,
    CardState,
    LookUpVoucher,
    MessageKind,
    MessageState,
    OutOfService,
    OutOfServiceState,
    PrintKind,
    PrintVoucher,
    Redeem,
    RedeemedState,
    RewardState,
    Stamp,
    VoucherOpenState,
    VouchersState,
    WorkingState,
)
from kiosk.flows.customer.intents import (
    ChooseLanguage,
    GoBack,
    GoHome,
    HoldRedeem,
    OpenVoucher,
    PrintCoupon,
    ShowVouchers,
    Wake,
)
from kiosk.outcomes import RedeemKind, RedeemOutcome, StampKind, StampOutcome
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.flows.customer_fakes import CARD, CODE, WALL, card, journey, voucher
from tests.support.transcript import Transcript


def stamped(t: Transcript, outcome: StampOutcome | None = None) -> None:
    """Scan the card and answer its Stamp."""
    [stamp] = t.scan(CARD)
    t.answer(stamp, outcome or StampOutcome(StampKind.ADDED, card=card()))


def opened(t: Transcript, v=None) -> None:
    """Scan a coupon and answer its look-up: the voucher is open."""
    [look_up] = t.scan(CODE)
    t.answer(look_up, v or voucher())


def redeemed(t: Transcript) -> Redeem:
    opened(t)
    [redeem] = t.send(HoldRedeem("v1"))
    done = replace(voucher(), state="redeemed", redeemed_at=redeem.at)
    t.answer(redeem, RedeemOutcome(RedeemKind.REDEEMED, "k", done))
    return redeem


def test_starts_on_attract_in_the_shop_language():
    t = journey(language="ko", shop_name="Kohvik")
    assert isinstance(t.view, AttractState) and t.view.screen == "attract"
    assert t.view.lang == "ko" and t.view.shop_name == "Kohvik"
    assert t.effects == []


def test_card_scan_shows_working_then_card_with_new_stamp():
    t = journey()
    effects = t.scan(CARD)
    assert effects == (Stamp(CARD.value, WALL),)  # scanned_at: when the scan was read
    assert isinstance(t.view, WorkingState) and t.view.what == "card"
    t.answer(effects[0], StampOutcome(StampKind.ADDED, card=card()))
    st = t.view
    assert st.screen == "card" and st.added == 1
    assert st.card.display_name == "Mari"
    assert st.remaining == 2 and st.next_title == "Free cake"  # 4 stamps, next milestone 6


def test_card_past_last_milestone_counts_to_goal():
    st = CardState(card=card(stamps=9))
    assert st.remaining == 0 and st.next_title == ""


def test_stamp_that_unlocks_shows_reward_then_voucher_then_back():
    v = voucher()
    t = journey()
    stamped(t, StampOutcome(StampKind.ADDED, card=card(3, (v,)), unlocked=(v,)))
    assert isinstance(t.view, RewardState) and t.view.vouchers == (v,)
    t.send(OpenVoucher("v1"))
    assert isinstance(t.view, VoucherOpenState) and t.view.voucher == v
    t.send(GoBack())
    assert isinstance(t.view, VouchersState)
    t.send(GoBack())
    assert isinstance(t.view, CardState) and t.view.added == 0
    stamped(t, StampOutcome(StampKind.ADDED, card=card(3, (v,)), unlocked=(v,)))
    t.send(GoBack())  # "later" on the reward: the card with this visit's stamp
    assert isinstance(t.view, CardState) and t.view.added == 1


def test_vouchers_list_only_usable_ones():
    vs = (voucher("a"), voucher("b", state="redeemed"), voucher("c", "staff_scan"))
    t = journey()
    stamped(t, StampOutcome(StampKind.ADDED, card=card(4, vs)))
    t.send(ShowVouchers())
    assert [v.id for v in t.view.vouchers] == ["a", "c"]
    t.send(OpenVoucher("b"))  # redeemed: not openable
    assert isinstance(t.view, VouchersState)


def test_cooldown_message_names_the_next_stamp_time():
    nxt = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    t = journey()
    stamped(t, StampOutcome(StampKind.COOLDOWN, card=card(), next_stamp_at=nxt))
    st = t.view
    assert isinstance(st, MessageState) and st.kind == MessageKind.COOLDOWN
    assert st.value("time") == "14:05"
    t.send(GoBack())  # "see my card"
    assert isinstance(t.view, CardState) and t.view.added == 0


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (StampKind.SAVED_PENDING, MessageKind.OFFLINE_SAVED),
        (StampKind.CARD_NOT_FOUND, MessageKind.CARD_NOT_FOUND),
        (StampKind.INVALID, MessageKind.CARD_NOT_FOUND),
        (StampKind.NOT_SAVED, MessageKind.NOT_SAVED),
        (StampKind.REJECTED, MessageKind.ERROR),
        (StampKind.ADDED, MessageKind.NOT_SAVED),  # "added" without a card: never shown
    ],
)
def test_stamp_outcomes_become_calm_messages(kind, message):
    t = journey()
    stamped(t, StampOutcome(kind))
    assert isinstance(t.view, MessageState) and t.view.kind == message


def test_a_stamp_path_that_fails_says_not_saved():
    t = journey()
    [stamp] = t.scan(CARD)
    t.answer(stamp, error=errors.ServerError("boom"))
    assert t.view.kind == MessageKind.NOT_SAVED


@pytest.mark.parametrize("kind", [ScanKind.UNKNOWN, ScanKind.PAIRING, ScanKind.STAFF_BADGE])
def test_unknown_payload_never_calls_anything(kind):
    t = journey()
    t.scan(ClassifiedScan(kind, "x", reason="no pattern"))
    assert t.view.kind == MessageKind.UNKNOWN_CODE
    assert t.effects == []


def test_scanned_coupon_opens_its_voucher_by_code_and_by_id():
    v = voucher()
    t = journey()
    assert t.scan(CODE) == (LookUpVoucher(code="CAKE-1234"),)
    t.answer(t.last[0], v)
    assert isinstance(t.view, VoucherOpenState) and t.view.card is None
    t.send(GoHome())
    [look_up] = t.scan(ClassifiedScan(ScanKind.VOUCHER, "v1", by_id=True))
    assert look_up == LookUpVoucher(voucher_id="v1")
    t.answer(look_up, v)
    assert isinstance(t.view, VoucherOpenState)
    t.send(GoBack())  # no card: back means done
    assert isinstance(t.view, AttractState)


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (voucher(state="redeemed"), MessageKind.ALREADY_REDEEMED),
        (voucher(state="expired"), MessageKind.EXPIRED),
        (errors.VoucherNotFound("no"), MessageKind.VOUCHER_NOT_FOUND),
        (errors.VoucherAlreadyRedeemed("no"), MessageKind.ALREADY_REDEEMED),
        (errors.Offline("down"), MessageKind.OFFLINE_REDEEM),
        (errors.Unauthorized("x"), MessageKind.ERROR),
    ],
)
def test_scanned_coupon_problems(answer, kind):
    t = journey()
    [look_up] = t.scan(CODE)
    if isinstance(answer, Exception):
        t.answer(look_up, error=answer)
    else:
        t.answer(look_up, answer)
    assert t.view.kind == kind


def test_already_redeemed_says_when():
    t = journey()
    opened(t, voucher(state="redeemed"))
    assert t.view.value("when") == "14:05"


def test_self_redeem_then_code_then_print_once():
    t = journey()
    opened(t)
    assert t.send(HoldRedeem("wrong")) == ()
    assert isinstance(t.view, VoucherOpenState)
    t.advance(30)
    [redeem] = t.send(HoldRedeem("v1"))
    assert redeem == Redeem("v1", t.wall)  # the time the hold completed
    assert isinstance(t.view, WorkingState) and t.view.what == "redeem"
    done = replace(voucher(), state="redeemed", redeemed_at=WALL)
    t.answer(redeem, RedeemOutcome(RedeemKind.REDEEMED, "k", done))
    st = t.view
    assert isinstance(st, RedeemedState) and st.code == "CAKE-1234"
    assert st.redeemed_at_text == "14:05" and st.symbology == "qr"
    [print_] = t.send(PrintCoupon())
    assert print_ == PrintVoucher(done, "en") and t.view.print_status == "printing"
    assert t.send(PrintCoupon()) == ()  # still printing: no second copy
    t.answer(print_, PrintKind.PRINTED)
    assert t.view.print_status == "printed"
    assert t.send(PrintCoupon()) == ()
    assert len([e for e in t.effects if isinstance(e, PrintVoucher)]) == 1


def test_an_offline_redemption_without_a_time_shows_the_hold_time():
    t = journey()
    opened(t)
    [redeem] = t.send(HoldRedeem("v1"))
    t.answer(redeem, RedeemOutcome(RedeemKind.REDEEMED_OFFLINE, "k", voucher()))
    assert isinstance(t.view, RedeemedState) and t.view.redeemed_at == redeem.at


def test_staff_scan_voucher_cannot_be_self_redeemed():
    t = journey()
    opened(t, voucher(redemption="staff_scan"))
    assert t.send(HoldRedeem("v1")) == ()
    assert t.view.kind == MessageKind.NOT_SELF_REDEEMABLE
    t.send(GoBack())
    assert isinstance(t.view, VoucherOpenState)


@pytest.mark.parametrize(
    ("kind", "message", "back_to_voucher"),
    [
        (RedeemKind.ALREADY_REDEEMED, MessageKind.ALREADY_REDEEMED, False),
        (RedeemKind.EXPIRED, MessageKind.EXPIRED, False),
        (RedeemKind.NOT_FOUND, MessageKind.VOUCHER_NOT_FOUND, False),
        (RedeemKind.NOT_SELF_REDEEMABLE, MessageKind.NOT_SELF_REDEEMABLE, True),
        (RedeemKind.NEEDS_CLOUD, MessageKind.OFFLINE_REDEEM, True),
        (RedeemKind.NOT_SAVED, MessageKind.ERROR, True),
        (RedeemKind.REJECTED, MessageKind.ERROR, True),
        (RedeemKind.REDEEMED, MessageKind.ERROR, True),  # "redeemed" without a voucher
    ],
)
def test_redeem_refusals(kind, message, back_to_voucher):
    t = journey()
    opened(t)
    [redeem] = t.send(HoldRedeem("v1"))
    t.answer(redeem, RedeemOutcome(kind, "k"))
    assert t.view.kind == message
    if kind is RedeemKind.ALREADY_REDEEMED:
        assert t.view.value("when") == ""
    t.send(GoBack())
    assert isinstance(t.view, VoucherOpenState if back_to_voucher else AttractState)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (errors.VoucherAlreadyRedeemed("x"), MessageKind.ALREADY_REDEEMED),
        (errors.VoucherExpired("x"), MessageKind.EXPIRED),
        (errors.VoucherNotSelfRedeemable("x"), MessageKind.NOT_SELF_REDEEMABLE),
        (errors.Offline("x"), MessageKind.OFFLINE_REDEEM),
        (errors.Unauthorized("x"), MessageKind.ERROR),
        (OSError("disk"), MessageKind.ERROR),
    ],
)
def test_redeem_errors(exc, kind):
    t = journey()
    opened(t)
    [redeem] = t.send(HoldRedeem("v1"))
    t.answer(redeem, error=exc)
    assert t.view.kind == kind


@pytest.mark.parametrize(
    ("answer", "error", "kind", "status"),
    [
        (PrintKind.PAPER_OUT, None, MessageKind.PAPER_OUT, "paper_out"),
        (PrintKind.FAILED, None, MessageKind.PRINT_FAILED, "failed"),
        (None, OSError("usb gone"), MessageKind.PRINT_FAILED, "failed"),
    ],
)
def test_print_problems_keep_the_code_reachable(answer, error, kind, status):
    t = journey()
    redeemed(t)
    [print_] = t.send(PrintCoupon())
    t.answer(print_, answer, error)
    assert t.view.kind == kind
    t.send(GoBack())
    st = t.view
    assert isinstance(st, RedeemedState) and st.code == "CAKE-1234"
    assert st.print_status == status
    assert t.send(PrintCoupon()) != ()  # nothing reached paper: printing again is allowed


def test_unconfirmed_print_is_not_printed_again_by_another_tap():
    t = journey()
    redeemed(t)
    [print_] = t.send(PrintCoupon())
    t.answer(print_, PrintKind.UNCONFIRMED)
    assert t.view.kind == MessageKind.PRINT_FAILED  # "show this screen to our staff"
    t.send(GoBack())
    assert t.view.print_status == "unconfirmed"
    assert t.send(PrintCoupon()) == ()  # the coupon may be in the tray: no second copy


def test_the_print_answer_speaks_the_language_chosen_meanwhile():
    t = journey()
    redeemed(t)
    [print_] = t.send(PrintCoupon())
    t.send(ChooseLanguage("ko"))
    t.answer(print_, PrintKind.PRINTED)
    assert t.view.lang == "ko" and t.view.print_status == "printed"


def test_idle_timeout_returns_to_attract_and_resets_language():
    t = journey(language="et")
    t.send(ChooseLanguage("zh"))
    assert t.view.lang == "zh"
    stamped(t)
    assert t.view.lang == "zh"
    t.tick(19.9)
    assert isinstance(t.view, CardState)
    t.send(Wake())  # a touch extends the visit
    t.tick(19.9)
    assert isinstance(t.view, CardState)
    t.tick(0.2)
    assert isinstance(t.view, AttractState) and t.view.lang == "et"


def test_an_answer_counts_as_activity():
    t = journey()
    [stamp] = t.scan(CARD)
    t.advance(15)
    t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))
    t.tick(10)  # 25 s after the scan, 10 s after the card came
    assert isinstance(t.view, CardState)


def test_language_outside_the_shop_list_is_ignored():
    t = journey(languages=("en", "ko"))
    t.send(ChooseLanguage("zh"))
    assert t.view.lang == "en"
    t.send(ChooseLanguage("ko"))
    assert t.view.lang == "ko" and isinstance(t.view, AttractState)


def test_the_idle_timeout_moves_to_a_new_epoch():
    """The host drops the late answer (test_runtime_host.py); the flow's part: a new epoch."""
    t = journey()
    t.scan(CARD)
    asked = t.flow.epoch(t.model)
    t.tick(21)
    assert isinstance(t.view, AttractState) and t.flow.epoch(t.model) != asked


def test_two_scans_in_a_row_second_ignored_while_working():
    t = journey()
    [stamp] = t.scan(CARD)
    asked = t.flow.epoch(t.model)
    assert t.scan(ClassifiedScan(ScanKind.CARD, "someone_else_token_1")) == ()
    assert t.flow.epoch(t.model) == asked  # the first answer is still wanted
    t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))
    assert isinstance(t.view, CardState)
    assert t.effects == [stamp]


def test_scan_while_voucher_open_starts_a_new_journey():
    t = journey()
    opened(t)
    asked = t.flow.epoch(t.model)
    stamped(t)
    assert isinstance(t.view, CardState) and t.flow.epoch(t.model) != asked


def test_home_leaves_a_pending_answer_behind():
    t = journey()
    t.scan(CODE)
    asked = t.flow.epoch(t.model)
    t.send(GoHome())
    assert isinstance(t.view, AttractState) and t.flow.epoch(t.model) != asked


def test_home_does_not_abandon_a_redemption_in_flight():
    t = journey()
    opened(t)
    [redeem] = t.send(HoldRedeem("v1"))
    asked = t.flow.epoch(t.model)
    t.send(GoHome())
    t.send(GoBack())
    assert isinstance(t.view, WorkingState) and t.flow.epoch(t.model) == asked
    t.answer(redeem, RedeemOutcome(RedeemKind.REDEEMED, "k", voucher()))
    assert isinstance(t.view, RedeemedState)


def test_screen_blanks_and_first_touch_only_wakes():
    t = journey(screen_blank_after_s=60)
    t.send(ChooseLanguage("ko"))
    t.tick(59)
    assert not t.view.blanked
    t.tick(2)
    assert t.view.blanked
    t.send(ChooseLanguage("et"))  # swallowed: it only wakes the screen
    assert not t.view.blanked and t.view.lang == "ko"
    t.send(ChooseLanguage("et"))
    assert t.view.lang == "et"


def test_no_blanking_away_from_attract_nor_when_off():
    t = journey(screen_blank_after_s=0)
    t.tick(1000)
    assert not t.view.blanked


def test_out_of_service_ignores_everything_until_back():
    t = journey()
    t.scan(CODE)
    asked = t.flow.epoch(t.model)
    t.send(ChooseLanguage("ko"))
    t.send(OutOfService("config: [printer] uri: bad"))
    assert isinstance(t.view, OutOfServiceState) and t.view.screen == "out_of_service"
    assert t.view.reason == "config: [printer] uri: bad" and t.view.lang == "ko"
    assert t.flow.epoch(t.model) != asked  # the look-up's answer never arrives
    t.scan(CARD)
    t.send(GoHome())
    t.tick(100)
    t.answer(LookUpVoucher(code="CAKE-1234"), voucher())
    assert isinstance(t.view, OutOfServiceState) and t.effects == [LookUpVoucher("CAKE-1234")]
    t.send(BackInService())
    assert isinstance(t.view, AttractState) and t.view.lang == "en"
    t.tick(19)
    assert isinstance(t.view, AttractState) and not t.view.blanked


def test_every_state_is_immutable_and_named():
    t = journey()
    views = [t.view]
    stamped(t)
    views.append(t.view)
    redeemed(t)
    views.append(t.view)
    t.send(OutOfService("x"))
    views.append(t.view)
    for st in views:
        assert st.screen
        with pytest.raises(AttributeError):
            st.lang = "xx"


def test_daily_limit_says_see_you_tomorrow_and_ok_goes_back_to_the_card():
    t = journey()
    c = card(stamps=5)
    stamped(t, StampOutcome(StampKind.DAILY_LIMIT, card=c, reason="local"))
    view = t.view
    assert isinstance(view, MessageState) and view.kind == MessageKind.DAILY_LIMIT
    assert isinstance(view.back, CardState) and view.back.card == c
    t.send(GoBack())
    assert isinstance(t.view, CardState) and t.view.added == 0  # nothing was added


def test_daily_limit_without_a_known_card_has_no_way_back():
    t = journey()
    stamped(t, StampOutcome(StampKind.DAILY_LIMIT, reason="daily_limit_reached"))
    assert t.view.kind == MessageKind.DAILY_LIMIT and t.view.back is None
