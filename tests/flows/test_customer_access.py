"""The accessibility mode (#17) as transcripts: per visit, toggles, speech as effects,
two-step redeem, "Need more time?", doubled timeouts. No host, no threads, no clock."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.flows.customer import (
    AttractState,
    CardState,
    Redeem,
    RedeemedState,
    Stamp,
    VoucherOpenState,
)
from kiosk.flows.customer.access import (
    AskHelp,
    AskRedeem,
    CancelRedeem,
    ChangeVolume,
    ConfirmRedeem,
    Focused,
    OpenAccessibility,
    RepeatSpeech,
    Speak,
    ToggleContrast,
    ToggleLargeText,
    ToggleLowReach,
)
from kiosk.flows.customer.intents import ChooseLanguage, GoBack, GoHome, HoldRedeem, Wake
from kiosk.flows.customer.model import AccessOptionsState
from kiosk.outcomes import RedeemKind, RedeemOutcome, StampKind, StampOutcome
from tests.flows import customer_fakes as fakes
from tests.flows.customer_fakes import CARD, CODE, WALL, card, voucher
from tests.support.transcript import Transcript


def journey(**settings) -> Transcript:
    return fakes.journey(**{"idle_warning_s": 5.0, **settings})


def in_mode(**settings) -> Transcript:
    t = journey(**settings)
    t.send(OpenAccessibility())
    t.send(GoBack())  # "Start": the attract screen, the mode on
    return t


def spoken(effects) -> list[str]:
    return [e.text for e in effects if isinstance(e, Speak)]


def test_the_button_opens_the_options_and_speaks_them():
    t = journey()
    said = spoken(t.send(OpenAccessibility()))
    assert isinstance(t.view, AccessOptionsState) and t.view.access.on
    assert said and said[0].startswith("Accessibility.")
    t.send(GoBack())
    assert isinstance(t.view, AttractState) and t.view.access.on  # "Start": still on


def test_an_ordinary_customer_hears_nothing_and_is_not_stamped():
    t = journey()
    t.send(ChooseLanguage("ko"))
    stamp = t.scan(CARD)[0]
    t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))
    assert not any(isinstance(e, Speak) for e in t.effects)
    assert t.view.access.on is False


def test_toggles_change_the_view_and_speak_only_the_toggle():
    t = journey()
    t.send(OpenAccessibility())
    assert spoken(t.send(ToggleLargeText())) == ["Large text: on"]
    assert spoken(t.send(ToggleContrast())) == ["High contrast: on"]
    assert spoken(t.send(ToggleLowReach())) == ["Low reach: on"]
    assert spoken(t.send(ChangeVolume(-1))) == ["Volume 60 percent"]
    a = t.view.access
    assert (a.large, a.contrast, a.low_reach, a.volume) == (True, True, True, 60)
    assert t.last[0].volume == 60


def test_toggles_do_nothing_outside_the_mode():
    t = journey()
    t.send(ToggleLargeText())
    assert t.view.access.large is False


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "et"])
def test_every_step_is_spoken_in_the_customer_language(lang):
    t = in_mode()
    before = len(t.effects)
    t.send(ChooseLanguage(lang))
    stamp = t.scan(CARD)[0]
    said = spoken(t.answer(stamp, StampOutcome(StampKind.ADDED, card=card())))
    assert len(said) == 1 and "4" in said[0] and "9" in said[0]  # 4 of 9 stamps
    assert all(e.lang == lang for e in t.effects[before:] if isinstance(e, Speak))
    assert isinstance(t.view, CardState) and t.view.access.on


def test_card_speech_says_title_state_and_what_is_next():
    t = in_mode()
    stamp = t.scan(CARD)[0]
    [said] = spoken(t.answer(stamp, StampOutcome(StampKind.ADDED, card=card(3))))
    assert said == "Hello, Mari. Stamp added. 3 of 9 stamps. 3 more for: Free cake."


def test_repeat_help_and_focus_speak():
    t = in_mode()
    assert spoken(t.send(RepeatSpeech())) == [
        "Scan your wallet card here. Hold the code on your phone under the scanner."
    ]
    assert "Enter" in spoken(t.send(AskHelp()))[0]
    [focus] = t.send(Focused("Done", first=True))
    assert isinstance(focus, Speak) and focus.text == "Done, button" and not focus.interrupt


def test_two_step_redeem_is_spoken_and_redeems_once():
    t = in_mode()
    look_up = t.scan(CODE)[0]
    t.answer(look_up, voucher())
    said = spoken(t.send(AskRedeem("v1")))
    assert isinstance(t.view, VoucherOpenState) and t.view.confirming
    assert "Redeem this voucher now?" in said[0]
    assert t.effects_of(Redeem) == []  # the first step only asks
    t.send(CancelRedeem())
    assert not t.view.confirming
    t.send(AskRedeem("v1"))
    redeem = t.send(ConfirmRedeem("v1"))[0]
    assert isinstance(redeem, Redeem) and redeem.voucher_id == "v1"
    done = replace(voucher(), state="redeemed", redeemed_at=redeem.at)
    said = spoken(t.answer(redeem, RedeemOutcome(RedeemKind.REDEEMED, "k", done)))
    assert isinstance(t.view, RedeemedState) and said[0].startswith("Redeemed.")


def test_two_step_needs_the_mode_and_the_question():
    t = journey()
    look_up = t.scan(CODE)[0]
    t.answer(look_up, voucher())
    t.send(AskRedeem("v1"))
    assert not t.view.confirming  # outside the mode: hold to redeem only
    assert t.send(ConfirmRedeem("v1")) == ()
    assert len(t.send(HoldRedeem("v1"))) == 1


def test_the_mode_ends_with_the_visit():
    t = in_mode()
    stamp = t.scan(CARD)[0]
    t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))
    t.send(GoHome())
    assert isinstance(t.view, AttractState) and t.view.access.on is False
    stamp = t.scan(CARD)[0]
    assert spoken(t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))) == []


def test_need_more_time_warns_and_any_touch_extends():
    t = journey()
    stamp = t.scan(CARD)[0]
    t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))
    t.tick(14.0)
    assert not t.view.idle_warning
    t.tick(1.0)  # 15 s: 5 s before the 20 s timeout
    assert t.view.idle_warning and isinstance(t.view, CardState)
    t.send(Wake())
    assert not t.view.idle_warning
    t.tick(19.0)
    assert isinstance(t.view, CardState)  # extended from the touch
    t.tick(1.0)
    assert isinstance(t.view, AttractState)


def test_the_mode_doubles_the_timeout_and_speaks_the_warning():
    t = in_mode()
    stamp = t.scan(CARD)[0]
    t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))
    t.tick(29.0)
    assert isinstance(t.view, CardState) and not t.view.idle_warning
    said = spoken(t.tick(1.0))  # 30 s: the 5 s lead doubled too, 10 s before 40
    assert said == ["Need more time? Touch the screen or press any key."]
    t.tick(10.0)
    assert isinstance(t.view, AttractState) and not t.view.access.on


def test_the_mode_left_open_on_attract_ends_after_the_doubled_timeout():
    t = in_mode()
    t.tick(39.0)
    assert t.view.access.on
    t.tick(1.0)
    assert not t.view.access.on


def test_low_reach_from_config_holds_for_everyone():
    t = journey(low_reach=True)
    assert t.view.access.low_reach and not t.view.access.on
    stamp = t.scan(CARD)[0]
    t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))
    assert t.view.access.low_reach
    t.send(GoHome())
    assert t.view.access.low_reach


def test_a_scan_in_the_mode_still_stamps_at_once():
    t = in_mode()
    assert t.scan(CARD) == (Stamp(CARD.value, WALL), *t.last[1:])
    assert isinstance(t.last[0], Stamp)  # the stamp is asked first, speech after


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "et"])
def test_every_customer_screen_has_words_in_every_language(lang):
    """Title, state and controls of every screen (every message kind) are translated."""
    from kiosk.flows.customer import (
        MessageKind,
        MessageState,
        OutOfServiceState,
        RewardState,
        VouchersState,
        WorkingState,
    )
    from kiosk.flows.customer.model import AccessOptionsState
    from kiosk.flows.customer.present import present

    v, c = voucher(), card(3, (voucher(),))
    done = replace(v, state="redeemed", redeemed_at=WALL)
    views = [
        AttractState(languages=("en", "ko", "zh", "et")),
        AccessOptionsState(),
        WorkingState(),
        CardState(card=c, added=1),
        RewardState(card=c, vouchers=(v,)),
        VouchersState(card=c, vouchers=(v,)),
        VouchersState(card=c),
        VoucherOpenState(voucher=v, card=c),
        VoucherOpenState(voucher=v, card=c, confirming=True),
        VoucherOpenState(voucher=voucher("v2", "staff_scan"), card=c),
        RedeemedState(voucher=done, redeemed_at_text="14:05", print_status="printed"),
        OutOfServiceState(),
        *(MessageState(kind=k, values=(("time", "15:00"),)) for k in MessageKind),
    ]
    for view in views:
        p = present(replace(view, lang=lang))
        words = [p.title, *p.lines, *(c.label for c in p.controls)]
        assert p.title and p.speech(), view.screen
        raw = [w for w in words if w.startswith(("access.", "msg.", "card.", "common."))]
        assert not raw, (view.screen, raw)
        if view.screen not in ("working", "out_of_service"):
            assert p.controls, view.screen  # every screen the customer acts on has controls
