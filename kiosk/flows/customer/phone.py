"""Stamp by phone number: "No phone? Use your number" on the attract screen.

attract -> phone_pad (country prefix from config, digits masked after a short delay)
-> working -> phone_confirm ("Is this you, M***?", or offline: "save a stamp for the
number ending 67?") -> working -> card (masked name, no vouchers) or a message.

Rules (the server enforces the important ones, docs/api.md):
- the number lives only in the pad's and the confirm screen's view; every way out (done,
  no, cancel, the idle timeout, a scan) moves to a new epoch and drops it;
- effects carry the number (repr hidden, so no log line can print it); the handler hashes
  it with the shop's key before anything leaves memory (kiosk.phone_numbers);
- a number earns stamps only: the card it shows has no vouchers, and nothing here redeems.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from kiosk.api import errors
from kiosk.api.models import PhoneHint
from kiosk.flows.customer.model import (
    CardState,
    CustomerModel,
    CustomerState,
    MessageKind,
    MessageState,
    WorkingState,
)
from kiosk.flows.runtime import Answered, Effect, Event, Intent, Now, Step, Ticked
from kiosk.outcomes import StampKind, StampOutcome
from kiosk.phone_numbers import e164

MASK_AFTER_S = 1.5  # the last digit typed shows this long, then it is masked too
MAX_DIGITS = 15
MASK = "•"

# -- intents --------------------------------------------------------------------------


class UsePhone(Intent):
    """ "No phone? Use your number" on the attract screen."""


class PhoneDigit(Intent):
    digit: str


class PhoneErase(Intent):
    """The pad's backspace."""


class PhoneSubmit(Intent):
    """The pad's OK."""


class PhoneConfirm(Intent):
    """ "Yes, that's me" (or, offline, "Save my stamp")."""


class PhoneCancel(Intent):
    """Cancel on the pad, or "No, that's not me": home, the number dropped."""


# -- effects --------------------------------------------------------------------------


class PhoneLookUp(Effect):
    """Ask the cloud whose number this is (answer: PhoneHint, or an API error)."""

    number: str = field(repr=False)  # E.164; hashed by the handler before it leaves memory


class PhoneStamp(Effect):
    """One stamp for this number (answer: StampOutcome, through the outbox)."""

    number: str = field(repr=False)
    scanned_at: datetime


# -- views ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PhonePadState(CustomerState):
    screen: str = "phone_pad"
    prefix: str = "+372"
    digits: str = field(default="", repr=False)
    typed_at: float = 0.0  # Now.mono of the last digit
    reveal_last: bool = False  # the last digit shows until MASK_AFTER_S has passed

    @property
    def display(self) -> str:
        """What the pad shows: every digit masked, the newest one briefly readable."""
        if not self.digits:
            return ""
        shown = MASK * (len(self.digits) - 1)
        return shown + (self.digits[-1] if self.reveal_last else MASK)

    @property
    def complete(self) -> bool:
        return e164(self.prefix, self.digits) is not None


@dataclass(frozen=True)
class PhoneConfirmState(CustomerState):
    screen: str = "phone_confirm"
    hint: str = ""  # "M***"; "" when offline (the cloud could not be asked)
    offline: bool = False
    number: str = field(default="", repr=False)
    tail: str = ""  # the number's last two digits, for "the number ending 67"


# -- steps ----------------------------------------------------------------------------


def opened(model: CustomerModel, prefix: str, now: Now) -> Step[CustomerModel]:
    lang = model.view.lang
    return Step(model.next_epoch(PhonePadState(lang=lang, prefix=prefix, typed_at=now.mono)))


Clock = Callable[[datetime | None], str]  # the flow's local HH:MM


def step(model: CustomerModel, event: Event, now: Now, hhmm: Clock) -> Step[CustomerModel] | None:
    """The phone screens' transitions; None when the event is not theirs."""
    view = model.view
    match event:
        case Answered(effect=PhoneLookUp(number=number)):
            return Step(model.showing(_looked_up(model, event, number)))
        case Answered(effect=PhoneStamp()):
            return Step(model.showing(_stamped(model, event, hhmm)))
        case Ticked() if isinstance(view, PhonePadState) and view.reveal_last:
            if now.mono - view.typed_at >= MASK_AFTER_S:
                return Step(model.showing(replace(view, reveal_last=False)))
            return None
        case PhoneDigit(digit) if isinstance(view, PhonePadState):
            if not (len(digit) == 1 and digit.isdigit()) or len(view.digits) >= MAX_DIGITS:
                return Step(model)
            typed = replace(view, digits=view.digits + digit, typed_at=now.mono, reveal_last=True)
            return Step(model.showing(typed))
        case PhoneErase() if isinstance(view, PhonePadState):
            return Step(model.showing(replace(view, digits=view.digits[:-1], reveal_last=False)))
        case PhoneSubmit() if isinstance(view, PhonePadState):
            number = e164(view.prefix, view.digits)
            if number is None:
                return Step(model)
            working = model.next_epoch(WorkingState(lang=view.lang, what="phone"))
            return Step(working, (PhoneLookUp(number),))
        case PhoneConfirm() if isinstance(view, PhoneConfirmState):
            working = model.next_epoch(WorkingState(lang=view.lang, what="phone"))
            return Step(working, (PhoneStamp(view.number, now.wall),))
        case _:
            return None


def _looked_up(model: CustomerModel, answer: Answered, number: str) -> CustomerState:
    lang = model.view.lang
    tail = number[-2:]
    if answer.ok and isinstance(answer.result, PhoneHint):
        return PhoneConfirmState(lang=lang, hint=answer.result.hint, number=number, tail=tail)
    err = answer.error
    if isinstance(err, errors.ApiError) and err.retryable:
        # the cloud is away: offer to save the stamp for the number, no name (none known)
        return PhoneConfirmState(lang=lang, offline=True, number=number, tail=tail)
    if isinstance(err, errors.NotFound):
        return MessageState(lang=lang, kind=MessageKind.PHONE_NOT_FOUND)
    return MessageState(lang=lang, kind=MessageKind.ERROR)


def _stamped(model: CustomerModel, answer: Answered, hhmm: Clock) -> CustomerState:
    lang = model.view.lang
    outcome = answer.result
    if not isinstance(outcome, StampOutcome):
        return MessageState(lang=lang, kind=MessageKind.NOT_SAVED)
    if outcome.kind is StampKind.ADDED and outcome.card is not None:
        card = replace(outcome.card, vouchers=())  # a number never sees rewards
        return CardState(lang=lang, card=card, added=1)
    if outcome.kind is StampKind.COOLDOWN:
        values = (("time", hhmm(outcome.next_stamp_at)),)
        return MessageState(lang=lang, kind=MessageKind.COOLDOWN, values=values)
    kinds = {
        StampKind.SAVED_PENDING: MessageKind.OFFLINE_SAVED,
        StampKind.DAILY_LIMIT: MessageKind.DAILY_LIMIT,
        StampKind.CARD_NOT_FOUND: MessageKind.PHONE_NOT_FOUND,
    }
    return MessageState(lang=lang, kind=kinds.get(outcome.kind, MessageKind.NOT_SAVED))
