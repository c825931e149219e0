"""Stamp by phone number, as transcripts: the pad (prefix, masked digits, idle timeout),
the confirm step with the cloud's masked hint, the offline "save a stamp" path, and that
no view or effect keeps or prints the number once the screens close."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from kiosk.api import errors
from kiosk.api.models import PhoneHint
from kiosk.flows.customer import (
    AttractState,
    CardState,
    CustomerFlow,
    CustomerSettings,
    MessageKind,
    MessageState,
    WorkingState,
)
from kiosk.flows.customer.phone import (
    PhoneCancel,
    PhoneConfirm,
    PhoneConfirmState,
    PhoneDigit,
    PhoneErase,
    PhoneLookUp,
    PhonePadState,
    PhoneStamp,
    PhoneSubmit,
    UsePhone,
)
from kiosk.outcomes import StampKind, StampOutcome
from tests.flows.customer_fakes import card, voucher
from tests.support.transcript import Transcript

NUMBER = "+37251234567"


def journey(**settings) -> Transcript:
    cfg = CustomerSettings(**{"idle_timeout_s": 20.0, "phone_prefix": "+372", **settings})
    t = Transcript(CustomerFlow(cfg, tz=UTC))
    t.start()
    return t


def typed(t: Transcript, digits: str = "51234567") -> None:
    t.send(UsePhone())
    for d in digits:
        t.send(PhoneDigit(d))


def confirmed(t: Transcript, hint: str = "M***") -> PhoneStamp:
    typed(t)
    [look_up] = t.send(PhoneSubmit())
    t.answer(look_up, PhoneHint(hint))
    [stamp] = t.send(PhoneConfirm())
    return stamp


def test_the_pad_has_the_prefix_and_masks_the_last_digit_after_a_moment():
    t = journey()
    assert t.view.phone  # the attract screen offers the pad
    typed(t, "512")
    view = t.view
    assert isinstance(view, PhonePadState) and view.prefix == "+372"
    assert view.display == "••2"  # the newest digit readable for a moment
    t.tick(1.0)
    assert t.view.display == "••2"
    t.tick(0.6)
    assert t.view.display == "•••"
    t.send(PhoneErase())
    assert t.view.display == "••" and t.view.digits == "51"


def test_submit_looks_up_the_full_number_and_confirm_stamps_it():
    t = journey()
    typed(t, "051234567")  # a national leading 0 is dropped
    [look_up] = t.send(PhoneSubmit())
    assert isinstance(look_up, PhoneLookUp) and look_up.number == NUMBER
    assert NUMBER not in repr(look_up)  # no log line can print it
    assert isinstance(t.view, WorkingState)
    t.answer(look_up, PhoneHint("M***"))
    view = t.view
    assert isinstance(view, PhoneConfirmState) and view.hint == "M***" and not view.offline
    [stamp] = t.send(PhoneConfirm())
    assert isinstance(stamp, PhoneStamp) and stamp.number == NUMBER and NUMBER not in repr(stamp)
    masked = replace(card(stamps=5, vouchers=(voucher(),)), display_name="M***")
    t.answer(stamp, StampOutcome(StampKind.ADDED, card=masked))
    shown = t.view
    assert isinstance(shown, CardState) and shown.added == 1
    assert shown.card.display_name == "M***" and shown.card.vouchers == ()  # stamps only


def test_too_short_a_number_is_not_sent():
    t = journey()
    typed(t, "12")
    assert t.send(PhoneSubmit()) == ()
    assert isinstance(t.view, PhonePadState)


def test_no_thats_not_me_goes_home_and_forgets_the_number():
    t = journey()
    typed(t)
    [look_up] = t.send(PhoneSubmit())
    t.answer(look_up, PhoneHint("M***"))
    epoch = t.model.epoch
    t.send(PhoneCancel())
    assert isinstance(t.view, AttractState) and t.model.epoch > epoch
    assert "5123" not in repr(t.model)


def test_the_pad_times_out_and_keeps_nothing():
    t = journey()
    typed(t)
    t.tick(21)
    assert isinstance(t.view, AttractState)
    assert "51234567" not in repr(t.model) and "51234567" not in str(t.model.view)


def test_unknown_number_and_rate_limit_read_the_same():
    t = journey()
    typed(t)
    [look_up] = t.send(PhoneSubmit())
    t.answer(look_up, error=errors.PhoneNotFound("no card", status=404))
    assert isinstance(t.view, MessageState) and t.view.kind == MessageKind.PHONE_NOT_FOUND


def test_offline_the_customer_may_save_a_stamp_for_the_number_and_sees_no_name():
    t = journey()
    typed(t)
    [look_up] = t.send(PhoneSubmit())
    t.answer(look_up, error=errors.Offline("no answer"))
    view = t.view
    assert isinstance(view, PhoneConfirmState) and view.offline and view.hint == ""
    assert view.tail == "67"
    [stamp] = t.send(PhoneConfirm())
    t.answer(stamp, StampOutcome(StampKind.SAVED_PENDING, reason="offline"))
    assert t.view.kind == MessageKind.OFFLINE_SAVED


def test_a_scan_on_the_pad_wins_and_drops_the_number():
    from kiosk.scan_kinds import ClassifiedScan, ScanKind

    t = journey()
    typed(t)
    [stamp] = t.scan(ClassifiedScan(ScanKind.CARD, "tok_abcdefghijklmnop"))
    assert stamp.token == "tok_abcdefghijklmnop"
    assert "51234567" not in repr(t.model)


def test_no_pad_when_the_shop_turns_it_off():
    t = journey(phone_stamps=False)
    assert not t.view.phone
    assert t.send(UsePhone()) == () and isinstance(t.view, AttractState)


def test_daily_limit_and_cooldown_on_a_phone_stamp():
    t = journey()
    stamp = confirmed(t)
    t.answer(stamp, StampOutcome(StampKind.DAILY_LIMIT, reason="daily_limit_reached"))
    assert t.view.kind == MessageKind.DAILY_LIMIT
    t.send(PhoneCancel())
    stamp = confirmed(t)
    at = t.wall
    t.answer(stamp, StampOutcome(StampKind.COOLDOWN, next_stamp_at=at))
    assert t.view.kind == MessageKind.COOLDOWN and t.view.value("time") == at.strftime("%H:%M")
