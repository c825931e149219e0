"""The barista's tools in staff mode: check (and redeem) a voucher, add stamps by hand.

- Check a voucher (`vouchers:redeem`): scan the voucher's QR or redeem code, or type the
  code on the code pad. The page shows title, state, validity and the card's first name;
  Redeem appears for staff-scan and redeem-code vouchers that are usable. The redeem is
  the same exactly-once call as self-redeem: one Idempotency-Key per checked voucher, kept
  for a retry after a failure, so a double tap or a retry never redeems twice.
- Add stamps by hand (`stamps:add`): scan the card, or search by name on the code pad,
  then 1 to MAX_STAMPS stamps with a reason from the pick list (and words of one's own);
  the server records the staff member, the reason and the kiosk. A retry with the same
  card, count and reason reuses its key: the stamps are added once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import cast

from kiosk.api import errors
from kiosk.api.models import CardSummary, CheckedVoucher, StaffSession, StampResult, Voucher
from kiosk.flows.runtime import Answered, Effect, Intent, Now, Step
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.model import StaffConfig, StaffModel
from kiosk.flows.staff.session import close, menu
from kiosk.flows.staff_states import Message, StaffView
from kiosk.scan_kinds import ClassifiedScan, ScanKind

MAX_STAMPS = 10
MAX_TYPED = 32
REASONS = ("scan_failed", "bought_more", "goodwill", "other")
STAFF_REDEEMS = ("staff_scan", "redeem_code")

# -- intents --------------------------------------------------------------------------


class OpenCheck(Intent):
    """Menu: "Check a voucher"."""


class OpenStamps(Intent):
    """Menu: "Add stamps"."""


class PadKey(Intent):
    """A key of the code pad (A-Z, 0-9, -, space)."""

    char: str


class PadErase(Intent):
    pass


class PadGo(Intent):
    """Check the typed code / search the typed name."""


class RedeemChecked(Intent):
    pass


class PickCard(Intent):
    card_id: str


class StampCount(Intent):
    delta: int


class PickReason(Intent):
    reason: str


class TypeNote(Intent):
    """Focus the free-text note (the code pad types there until PadGo)."""


class AddStamps(Intent):
    pass


# -- effects --------------------------------------------------------------------------


class CheckVoucher(Effect):
    """Answered with a CheckedVoucher."""

    session: StaffSession | None = None
    code: str = ""
    voucher_id: str = ""


class StaffRedeem(Effect):
    """Answered with the redeemed Voucher."""

    session: StaffSession | None = None
    voucher_id: str = ""
    key: str = ""
    at: datetime | None = None


class FindCard(Effect):
    """A scanned card's token -> a CardSummary (the token never shows in a repr)."""

    token: str = field(default="", repr=False)


class FindCards(Effect):
    """Search by name -> list[CardSummary]."""

    session: StaffSession | None = None
    query: str = ""


class StaffStamps(Effect):
    """Answered with a StampResult."""

    session: StaffSession | None = None
    card_id: str = ""
    count: int = 1
    reason: str = ""
    key: str = ""
    at: datetime | None = None


# -- views ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffCheck(StaffView):
    screen: str = "staff_check"
    typed: str = ""
    voucher: Voucher | None = None
    card_name: str | None = None
    message: Message | None = None
    busy: bool = False
    key: str = field(default="", repr=False)  # the redeem's Idempotency-Key for this voucher

    @property
    def can_redeem(self) -> bool:
        v = self.voucher
        return v is not None and v.is_usable and v.redemption in STAFF_REDEEMS


@dataclass(frozen=True)
class StaffStamp(StaffView):
    screen: str = "staff_stamp"
    typed: str = ""  # the search on the code pad
    note: str = ""  # the reason in the staff member's own words
    typing_note: bool = False
    results: tuple[CardSummary, ...] = ()
    card: CardSummary | None = None
    count: int = 1
    reason: str = ""  # one of REASONS
    message: Message | None = None
    busy: bool = False
    key: str = field(default="", repr=False)  # kept for a retry of the same stamps
    keyed: tuple[str, int, str] = ("", 0, "")  # what `key` was taken for

    @property
    def reason_text(self) -> str:
        note = self.note.strip()
        return f"{self.reason}: {note}" if note else self.reason

    @property
    def ready(self) -> bool:
        return self.card is not None and bool(self.reason) and 1 <= self.count <= MAX_STAMPS


# -- steps ----------------------------------------------------------------------------


def open_check(model: StaffModel) -> Step[StaffModel]:
    return Step(replace(model, view=StaffCheck(lang=model.lang)))


def open_stamps(model: StaffModel) -> Step[StaffModel]:
    return Step(replace(model, view=StaffStamp(lang=model.lang)))


def scanned(config: StaffConfig, model: StaffModel, scan: ClassifiedScan) -> Step[StaffModel]:
    view = model.view
    if isinstance(view, StaffCheck) and scan.kind is ScanKind.VOUCHER:
        by_id = scan.by_id
        effect = CheckVoucher(
            session=model.session,
            code="" if by_id else scan.value,
            voucher_id=scan.value if by_id else "",
        )
        return Step(_show(model, replace(view, busy=True, message=None)), (effect,))
    if isinstance(view, StaffStamp) and scan.kind is ScanKind.CARD:
        return Step(_show(model, replace(view, busy=True, message=None)), (FindCard(scan.value),))
    return Step(model)


def check_page(
    config: StaffConfig, model: StaffModel, view: StaffCheck, intent: Intent, now: Now
) -> Step[StaffModel]:
    match intent:
        case i.Back():
            return Step(menu(config, model))
        case PadKey(char) if len(view.typed) < MAX_TYPED and _typeable(char):
            return Step(_show(model, replace(view, typed=view.typed + char.upper())))
        case PadErase():
            return Step(_show(model, replace(view, typed=view.typed[:-1])))
        case PadGo() if view.typed.strip():
            effect = CheckVoucher(session=model.session, code=view.typed.strip())
            return Step(_show(model, replace(view, busy=True, message=None)), (effect,))
        case RedeemChecked() if view.can_redeem and view.voucher is not None:
            effect = StaffRedeem(
                session=model.session, voucher_id=view.voucher.id, key=view.key, at=now.wall
            )
            return Step(_show(model, replace(view, busy=True, message=None)), (effect,))
        case _:
            return Step(model)


def stamp_page(
    config: StaffConfig, model: StaffModel, view: StaffStamp, intent: Intent, now: Now
) -> Step[StaffModel]:
    match intent:
        case i.Back():
            return Step(menu(config, model))
        case PadKey(char) if _typeable(char):
            return Step(_show(model, _typed(view, char)))
        case PadErase():
            if view.typing_note:
                return Step(_show(model, replace(view, note=view.note[:-1])))
            return Step(_show(model, replace(view, typed=view.typed[:-1])))
        case TypeNote():
            return Step(_show(model, replace(view, typing_note=not view.typing_note)))
        case PadGo() if view.typing_note:
            return Step(_show(model, replace(view, typing_note=False)))
        case PadGo() if len(view.typed.strip()) >= 2:
            effect = FindCards(session=model.session, query=view.typed.strip())
            return Step(_show(model, replace(view, busy=True, message=None)), (effect,))
        case PickCard(card_id):
            card = next((c for c in view.results if c.id == card_id), None)
            return Step(_show(model, replace(view, card=card or view.card, results=())))
        case StampCount(delta):
            count = min(MAX_STAMPS, max(1, view.count + delta))
            return Step(_show(model, replace(view, count=count)))
        case PickReason(reason) if reason in REASONS:
            return Step(_show(model, replace(view, reason=reason)))
        case AddStamps() if view.ready and view.card is not None:
            what = (view.card.id, view.count, view.reason_text)
            key = view.key if view.keyed == what and view.key else config.new_key()
            effect = StaffStamps(
                session=model.session,
                card_id=view.card.id,
                count=view.count,
                reason=view.reason_text,
                key=key,
                at=now.wall,
            )
            waiting = replace(view, busy=True, message=None, key=key, keyed=what)
            return Step(_show(model, waiting), (effect,))
        case _:
            return Step(model)


def answered(config: StaffConfig, model: StaffModel, answer: Answered) -> Step[StaffModel]:
    view = model.view
    if isinstance(answer.error, errors.Unauthorized):
        return close(model)  # the session ended on the server
    if isinstance(view, StaffCheck):
        return Step(_show(model, _check_answer(config, view, answer)))
    if isinstance(view, StaffStamp):
        return Step(_show(model, _stamp_answer(view, answer)))
    return Step(model)


def _check_answer(config: StaffConfig, view: StaffCheck, answer: Answered) -> StaffCheck:
    view = replace(view, busy=False)
    match answer:
        case Answered(effect=CheckVoucher(), result=CheckedVoucher() as found):
            return replace(
                view,
                voucher=found.voucher,
                card_name=found.card_name,
                typed="",
                key=config.new_key(),  # one redemption key per checked voucher
            )
        case Answered(effect=StaffRedeem(), result=Voucher() as done):
            return replace(view, voucher=done, message=Message.of("staff.check.redeemed"))
        case Answered(effect=StaffRedeem(), error=errors.VoucherAlreadyRedeemed()):
            return replace(view, message=Message.of("staff.check.already", error=True))
        case Answered(effect=StaffRedeem(), error=errors.VoucherExpired()):
            return replace(view, message=Message.of("staff.check.expired", error=True))
        case Answered(error=errors.NotFound()):
            return replace(
                view, voucher=None, message=Message.of("staff.check.not_found", error=True)
            )
        case Answered(error=errors.Forbidden()):
            return replace(view, message=Message.of("staff.check.forbidden", error=True))
        case Answered(error=error) if error is not None:
            return replace(view, message=_failed(error))
        case _:
            return view


def _stamp_answer(view: StaffStamp, answer: Answered) -> StaffStamp:
    view = replace(view, busy=False)
    match answer:
        case Answered(effect=FindCard(), result=CardSummary() as card):
            return replace(view, card=card, results=())
        case Answered(effect=FindCards(), result=found) if isinstance(found, list):
            cards = tuple(c for c in cast(list[object], found) if isinstance(c, CardSummary))
            if not cards:
                return replace(view, results=(), message=Message.of("staff.stamps.none_found"))
            return replace(view, results=cards)
        case Answered(effect=StaffStamps(), result=StampResult() as done):
            card = view.card
            if card is not None:
                card = replace(card, stamps=done.card.stamps)
            msg = Message.of("staff.stamps.added", count=view.count, name=done.card.display_name)
            return StaffStamp(lang=view.lang, card=card, message=msg)  # a fresh page, new key
        case Answered(error=errors.NotFound()):
            return replace(view, message=Message.of("staff.stamps.not_found", error=True))
        case Answered(error=errors.Forbidden()):
            return replace(view, message=Message.of("staff.check.forbidden", error=True))
        case Answered(error=error) if error is not None:
            return replace(view, message=_failed(error))
        case _:
            return view


def _failed(error: BaseException) -> Message:
    if isinstance(error, errors.ApiError) and error.retryable:
        return Message.of("staff.check.offline", error=True)
    reason = error.code if isinstance(error, errors.ApiError) else type(error).__name__
    return Message.of("staff.counter.failed", error=True, reason=reason)


def _typeable(char: str) -> bool:
    return len(char) == 1 and (char.isalnum() or char in "- ")


def _typed(view: StaffStamp, char: str) -> StaffStamp:
    if view.typing_note:
        return replace(view, note=(view.note + char)[:120])
    return replace(view, typed=(view.typed + char)[:MAX_TYPED])


def _show(model: StaffModel, view: StaffView) -> StaffModel:
    return replace(model, view=view)


BARISTA_EFFECTS: tuple[type[Effect], ...] = (
    CheckVoucher,
    StaffRedeem,
    FindCard,
    FindCards,
    StaffStamps,
)
