"""The customer journey: attract -> working -> card / reward / vouchers / redeemed / messages.

A pure flow on kiosk.flows.runtime: `step(model, event, now)` returns the next model and
the effects to carry out (Stamp, LookUpVoucher, Redeem, PrintVoucher); the host runs them
and hands their answers back. Time comes in as `now`, so the idle timeout and the screen
blanking are tested as transcripts (tests/flows/test_customer_*.py).

Late answers: every step that leaves the journey behind (a new scan, "done", the idle
timeout, out of service) moves to a new epoch, and the host drops answers from an older
one, so a late answer never pops a card onto an empty kiosk or over the next customer.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, tzinfo

from kiosk.api import errors
from kiosk.api.models import Card, Voucher
from kiosk.flows.base import ViewState
from kiosk.flows.customer import phone
from kiosk.flows.customer.access import AccessIntent, AskRedeem, CancelRedeem, ConfirmRedeem
from kiosk.flows.customer.access_flow import access_intent, after_step, two_step
from kiosk.flows.customer.effects import LookUpVoucher, PrintKind, PrintVoucher, Redeem, Stamp
from kiosk.flows.customer.events import (
    BackInService,
    CloudSettings,
    OutOfService,
    SettingsChanged,
)
from kiosk.flows.customer.intents import (
    ChooseLanguage,
    GoBack,
    GoHome,
    HoldRedeem,
    OpenVoucher,
    PrintCoupon,
    ShowVouchers,
    StaffGesture,
    Wake,
)
from kiosk.flows.customer.lottery import reaches, segments
from kiosk.flows.customer.model import (
    AccessOptionsState,
    AttractState,
    CardState,
    CustomerModel,
    CustomerSettings,
    CustomerState,
    MessageKind,
    MessageState,
    OutOfServiceState,
    RedeemedState,
    RewardState,
    SpinState,
    VoucherOpenState,
    VouchersState,
    WorkingState,
)
from kiosk.flows.customer.phone import (
    PhoneCancel,
    PhoneConfirm,
    PhoneDigit,
    PhoneErase,
    PhoneLookUp,
    PhoneStamp,
    PhoneSubmit,
    UsePhone,
)
from kiosk.flows.customer.slides import SlidesChanged, pick
from kiosk.flows.runtime import Answered, Event, Intent, Now, OpenMode, Scanned, Step, Ticked
from kiosk.flows.staff.intents import OpenStaff
from kiosk.outcomes import RedeemKind, RedeemOutcome, StampKind, StampOutcome
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)

Next = Step[CustomerModel]

# A refused redemption: the message, and whether "OK" returns to the open voucher.
_REDEEM_REFUSED: dict[RedeemKind, tuple[MessageKind, bool]] = {
    RedeemKind.ALREADY_REDEEMED: (MessageKind.ALREADY_REDEEMED, False),
    RedeemKind.EXPIRED: (MessageKind.EXPIRED, False),
    RedeemKind.NOT_FOUND: (MessageKind.VOUCHER_NOT_FOUND, False),
    RedeemKind.NOT_SELF_REDEEMABLE: (MessageKind.NOT_SELF_REDEEMABLE, True),
    RedeemKind.NEEDS_CLOUD: (MessageKind.OFFLINE_REDEEM, True),
}

# A code that is not this shop's card: maybe a first-time customer; offer the join page.
_OFFER_JOIN = frozenset({MessageKind.CARD_NOT_FOUND, MessageKind.UNKNOWN_CODE})

# What a stamp that added nothing tells the customer (COOLDOWN and ADDED have screens).
_STAMP_MESSAGES: dict[StampKind, MessageKind] = {
    StampKind.SAVED_PENDING: MessageKind.OFFLINE_SAVED,
    StampKind.CARD_NOT_FOUND: MessageKind.CARD_NOT_FOUND,
    StampKind.INVALID: MessageKind.CARD_NOT_FOUND,  # not a token the stamp path accepts
    StampKind.REJECTED: MessageKind.ERROR,
}


class CustomerFlow:
    """The customer mode. Settings come from settings.ui; the shop's settings from the cloud
    replace them through the model (SettingsChanged -> model.tuned), so steps stay pure."""

    name = "customer"

    def __init__(self, settings: CustomerSettings | None = None, tz: tzinfo | None = None) -> None:
        self.settings = settings or CustomerSettings()
        self.tz = tz  # None: the machine's local time zone

    # -- the Flow protocol -----------------------------------------------------------------

    def start(self, reason: Event | None, now: Now, last: CustomerModel | None = None) -> Next:
        join_url = last.join_url if last else ""
        tuned = last.tuned if last else None
        access = (tuned or self.settings).access()
        model = CustomerModel(
            AttractState(), active_at=now.mono, join_url=join_url, access=access, tuned=tuned
        )
        return Step(model.showing(self._attract(model)))

    def view(self, model: CustomerModel) -> ViewState:
        return model.view

    def epoch(self, model: CustomerModel) -> int:
        return model.epoch

    def step(self, model: CustomerModel, event: Event, now: Now) -> Next:
        """One transition, then the accessibility mode's stamp and speech (access_flow)."""
        return after_step(model, self._step(model, event, now), event, self._cfg(model).access())

    def _step(self, model: CustomerModel, event: Event, now: Now) -> Next:
        match event:
            case OutOfService(reason):
                view = OutOfServiceState(lang=model.view.lang, reason=reason)
                return Step(model.next_epoch(view))
            case BackInService():
                return Step(replace(model.next_epoch(self._attract(model)), active_at=now.mono))
            case CloudSettings(join_url):
                return Step(self._cloud_settings(model, join_url or ""))
            case SettingsChanged(settings):
                return Step(self._tuned(model, settings))
            case Scanned(scan) if scan.kind is ScanKind.STAFF_BADGE and self.settings.staff_mode:
                return self._open_staff(model, scan.value)  # the scan is staff's, not ours
            case StaffGesture():
                return self._open_staff(model, None)
            case SlidesChanged(slides):
                return Step(self._slide(replace(model, slides=slides), now))
            case _ if isinstance(model.view, OutOfServiceState):
                return Step(model)  # nothing reaches a kiosk out of service
            case Scanned(scan, at):
                return self._scanned(model, scan, at, now)
            case Ticked():
                return self._ticked(model, now)
            case Answered(effect=PhoneLookUp() | PhoneStamp()):
                moved = phone.step(replace(model, active_at=now.mono), event, now, self._hhmm)
                return moved or Step(model)
            case Answered():
                return self._answered(replace(model, active_at=now.mono), event)
            case Intent():
                return self._touched(model, event, now)
            case _:
                return Step(model)

    # -- staff mode --------------------------------------------------------------------------

    def _open_staff(self, model: CustomerModel, badge: str | None) -> Next:
        """Staff mode opens on top (the badge is logged in there); it speaks our language.
        The customer's visit goes on below: its idle timeout still returns it home."""
        if not self.settings.staff_mode:
            log.info("no staff mode in this build; the staff gesture is ignored")
            return Step(model)
        why = OpenStaff(
            lang=model.view.lang, badge=badge, timeout_factor=model.access.timeout_factor
        )
        return Step(model, (OpenMode("staff", why),))

    # -- scans -----------------------------------------------------------------------------

    def _scanned(self, model: CustomerModel, scan: ClassifiedScan, at: datetime, now: Now) -> Next:
        if isinstance(model.view, WorkingState):
            return Step(model)  # still working on the previous scan: its answer is coming
        model = replace(model, active_at=now.mono)
        lang = model.view.lang
        if scan.kind is ScanKind.CARD:
            working = model.next_epoch(WorkingState(lang=lang, what="card"))
            return Step(working, (Stamp(scan.value, at),))
        if scan.kind is ScanKind.VOUCHER:
            working = model.next_epoch(WorkingState(lang=lang, what="voucher"))
            look_up = (
                LookUpVoucher(voucher_id=scan.value) if scan.by_id else LookUpVoucher(scan.value)
            )
            return Step(working, (look_up,))
        return Step(model.next_epoch(self._message(model, MessageKind.UNKNOWN_CODE)))

    # -- answers ---------------------------------------------------------------------------

    def _answered(self, model: CustomerModel, answer: Answered) -> Next:
        match answer:
            case Answered(effect=Stamp(), result=StampOutcome() as outcome):
                return Step(self._stamped(model, outcome))
            case Answered(effect=Stamp()):  # the stamp path itself failed: nothing is saved
                return Step(model.showing(self._message(model, MessageKind.NOT_SAVED)))
            case Answered(effect=LookUpVoucher(), result=Voucher() as voucher):
                return Step(model.showing(self._looked_up(model, voucher)))
            case Answered(effect=LookUpVoucher(), error=error):
                return Step(model.showing(self._voucher_error(model, error)))
            case Answered(effect=Redeem(at=at), result=RedeemOutcome() as outcome):
                return Step(model.showing(self._redeemed(model, outcome, at)))
            case Answered(effect=Redeem(), error=error):
                return Step(model.showing(self._voucher_error(model, error, model.redeeming)))
            case Answered(effect=PrintVoucher(), result=result, error=error):
                printed = result if error is None and isinstance(result, PrintKind) else None
                return Step(self._printed(model, printed))
            case _:
                return Step(model)

    def _stamped(self, model: CustomerModel, outcome: StampOutcome) -> CustomerModel:
        """What the stamp shows; a lottery draw spins first and then shows it."""
        shown = self._stamp_view(model, outcome)
        draw = outcome.lottery
        if draw is None:
            return shown
        spin = SpinState(
            lang=model.view.lang,
            draw=draw,
            segments=segments(outcome.card, draw),
            then=shown.view,
        )
        return model.showing(spin)

    def _stamp_view(self, model: CustomerModel, outcome: StampOutcome) -> CustomerModel:
        lang, card = model.view.lang, outcome.card
        if outcome.kind is StampKind.SAVED_PENDING and reaches(card, outcome.pending):
            return model.showing(self._message(model, MessageKind.SPIN_WAITING))
        if outcome.kind is StampKind.ADDED and card is not None:
            if outcome.unlocked:
                return model.showing(RewardState(lang=lang, card=card, vouchers=outcome.unlocked))
            gift = outcome.result.birthday if outcome.result else None
            return model.showing(CardState(lang=lang, card=card, added=1, birthday=gift))
        if outcome.kind is StampKind.COOLDOWN:
            back = CardState(lang=lang, card=card) if card else None
            time = self._hhmm(outcome.next_stamp_at)
            return model.showing(self._message(model, MessageKind.COOLDOWN, back, time=time))
        if outcome.kind is StampKind.DAILY_LIMIT:
            back = CardState(lang=lang, card=card) if card else None
            return model.showing(self._message(model, MessageKind.DAILY_LIMIT, back))
        kind = _STAMP_MESSAGES.get(outcome.kind, MessageKind.NOT_SAVED)
        return model.showing(self._message(model, kind))

    def _looked_up(self, model: CustomerModel, voucher: Voucher) -> CustomerState:
        if voucher.state == "redeemed":
            when = self._hhmm(voucher.redeemed_at)
            return self._message(model, MessageKind.ALREADY_REDEEMED, when=when)
        if voucher.state == "expired":
            return self._message(model, MessageKind.EXPIRED)
        return VoucherOpenState(lang=model.view.lang, voucher=voucher)

    def _redeemed(
        self, model: CustomerModel, outcome: RedeemOutcome, at: datetime
    ) -> CustomerState:
        voucher = outcome.voucher
        if outcome.kind in (RedeemKind.REDEEMED, RedeemKind.REDEEMED_OFFLINE) and voucher:
            when = voucher.redeemed_at or at
            return RedeemedState(
                lang=model.view.lang,
                voucher=voucher,
                redeemed_at=when,
                redeemed_at_text=self._hhmm(when),
            )
        kind, goes_back = _REDEEM_REFUSED.get(outcome.kind, (MessageKind.ERROR, True))
        back = model.redeeming if goes_back else None
        values = {"when": ""} if kind is MessageKind.ALREADY_REDEEMED else {}
        return self._message(model, kind, back, **values)

    def _voucher_error(
        self, model: CustomerModel, exc: BaseException | None, back: ViewState | None = None
    ) -> CustomerState:
        """A voucher call failed: say why in the customer's words (the API's error class)."""
        if isinstance(exc, errors.NotFound):
            return self._message(model, MessageKind.VOUCHER_NOT_FOUND)
        if isinstance(exc, errors.VoucherAlreadyRedeemed):
            return self._message(model, MessageKind.ALREADY_REDEEMED, when="")
        if isinstance(exc, errors.VoucherExpired):
            return self._message(model, MessageKind.EXPIRED)
        if isinstance(exc, errors.VoucherNotSelfRedeemable):
            return self._message(model, MessageKind.NOT_SELF_REDEEMABLE, back)
        if isinstance(exc, errors.ApiError) and exc.retryable:
            return self._message(model, MessageKind.OFFLINE_REDEEM, back)
        return self._message(model, MessageKind.ERROR, back)

    def _printed(self, model: CustomerModel, result: PrintKind | None) -> CustomerModel:
        printing = model.view
        if not isinstance(printing, RedeemedState):
            return model  # cannot happen in the same epoch; nothing to update
        if result is PrintKind.PRINTED:
            return model.showing(replace(printing, print_status="printed"))
        kind = MessageKind.PAPER_OUT if result is PrintKind.PAPER_OUT else MessageKind.PRINT_FAILED
        back = replace(printing, print_status=str(result or "failed"))
        return model.showing(self._message(model, kind, back))

    # -- touches ---------------------------------------------------------------------------

    def _touched(self, model: CustomerModel, intent: Intent, now: Now) -> Next:
        model = replace(model, active_at=now.mono)
        view = model.view
        if isinstance(view, AttractState) and view.blanked:
            return Step(model.showing(replace(view, blanked=False)))  # the first touch only wakes
        match intent:
            case Wake():
                return Step(model)
            case AccessIntent():
                return access_intent(model, intent)
            case AskRedeem() | CancelRedeem():
                return two_step(model, intent)
            case ConfirmRedeem(voucher_id) if isinstance(view, VoucherOpenState):
                if not (model.access.on and view.confirming):
                    return Step(model)
                model = model.showing(replace(view, confirming=False))
                return self._redeem(model, voucher_id, now)
            case GoBack() if isinstance(view, AccessOptionsState):
                return Step(model.showing(replace(self._attract(model), lang=view.lang)))
            case ChooseLanguage(lang):
                return Step(self._language(model, lang))
            case GoHome():
                return Step(self._home(model))
            case ShowVouchers():
                return Step(self._vouchers(model))
            case OpenVoucher(voucher_id):
                return Step(self._open_voucher(model, voucher_id))
            case HoldRedeem(voucher_id):
                return self._redeem(model, voucher_id, now)
            case PrintCoupon():
                return self._print(model)
            case GoBack():
                return Step(self._back(model))
            case UsePhone() if isinstance(view, AttractState) and self._cfg(model).phone_stamps:
                return phone.opened(model, self._cfg(model).phone_prefix, now)
            case PhoneCancel():
                return Step(model.next_epoch(self._attract(model)))  # the number is dropped
            case PhoneDigit() | PhoneErase() | PhoneSubmit() | PhoneConfirm():
                return phone.step(model, intent, now, self._hhmm) or Step(model)
            case _:
                return Step(model)

    def _language(self, model: CustomerModel, lang: str) -> CustomerModel:
        if lang in self._cfg(model).languages and lang != model.view.lang:
            return model.showing(replace(model.view, lang=lang))
        return model

    def _home(self, model: CustomerModel) -> CustomerModel:
        view = model.view
        if isinstance(view, WorkingState) and view.what == "redeem":
            return model  # a redemption in flight must show its answer
        return model.next_epoch(self._attract(model))

    def _vouchers(self, model: CustomerModel) -> CustomerModel:
        view = model.view
        card = _card_of(view)
        if isinstance(view, (CardState, RewardState, VoucherOpenState)) and card is not None:
            usable = tuple(v for v in card.vouchers if v.is_usable)
            return model.showing(VouchersState(lang=view.lang, card=card, vouchers=usable))
        return model

    def _open_voucher(self, model: CustomerModel, voucher_id: str) -> CustomerModel:
        view = model.view
        pool = view.vouchers if isinstance(view, (VouchersState, RewardState)) else ()
        card = _card_of(view)
        for v in (*pool, *(card.vouchers if card else ())):
            if v.id == voucher_id and v.is_usable:
                return model.showing(VoucherOpenState(lang=view.lang, voucher=v, card=card))
        return model

    def _redeem(self, model: CustomerModel, voucher_id: str, now: Now) -> Next:
        """Sent by the UI only after the deliberate hold gesture completed."""
        view = model.view
        voucher = view.voucher if isinstance(view, VoucherOpenState) else None
        if voucher is None or voucher.id != voucher_id or not voucher.is_usable:
            return Step(model)
        if voucher.redemption != "self_redeem":
            return Step(model.showing(self._message(model, MessageKind.NOT_SELF_REDEEMABLE, view)))
        working = model.next_epoch(WorkingState(lang=view.lang, what="redeem"))
        return Step(replace(working, redeeming=view), (Redeem(voucher.id, now.wall),))

    def _print(self, model: CustomerModel) -> Next:
        view = model.view
        if not isinstance(view, RedeemedState) or view.voucher is None:
            return Step(model)
        if view.print_status in ("printing", "printed", "unconfirmed"):
            # never print twice from one tap-happy customer (unconfirmed: the staff look)
            return Step(model)
        printing = replace(view, print_status="printing")
        return Step(model.showing(printing), (PrintVoucher(view.voucher, view.lang),))

    def _back(self, model: CustomerModel) -> CustomerModel:
        view = model.view
        if isinstance(view, MessageState) and isinstance(view.back, CustomerState):
            return model.showing(replace(view.back, lang=view.lang))
        if isinstance(view, SpinState) and view.then is not None:
            return model.showing(replace(view.then, lang=view.lang))
        if isinstance(view, VoucherOpenState) and view.card is not None:
            return self._vouchers(model)
        if isinstance(view, RewardState) and view.card is not None:
            # the reward came with this visit's stamp: the card shows it popping in
            return model.showing(CardState(lang=view.lang, card=view.card, added=1))
        if isinstance(view, VouchersState) and view.card is not None:
            return model.showing(CardState(lang=view.lang, card=view.card))
        if isinstance(view, (AttractState, WorkingState)):
            return model
        return self._home(model)

    # -- the clock -------------------------------------------------------------------------

    def _ticked(self, model: CustomerModel, now: Now) -> Next:
        """Idle timeout back to attract (in the shop's language), and screen blanking.

        "Need more time?" shows `idle_warning_s` before the timeout (any touch, key or scan
        takes it away: after_step). The accessibility mode doubles every timeout, and ends
        with the visit: idle on the attract screen too."""
        masked = phone.step(model, Ticked(), now, self._hhmm)  # the pad's last digit
        model = masked.model if masked else model
        idle = now.mono - model.active_at
        view = model.view
        factor = model.access.timeout_factor
        timeout = self._cfg(model).idle_timeout_s * factor
        if isinstance(view, AttractState):
            if model.access.on and idle >= timeout:
                return Step(model.next_epoch(self._attract(model)))
            blank_after = self._cfg(model).screen_blank_after_s * factor
            if blank_after > 0 and idle >= blank_after and not view.blanked:
                return Step(model.showing(replace(view, blanked=True)))
            return Step(self._slide(model, now))
        if idle >= timeout:
            return Step(model.next_epoch(self._attract(model)))
        warn = self._cfg(model).idle_warning_s * factor  # more time to answer it, too
        warned = view.idle_warning or isinstance(view, WorkingState)
        if 0 < warn < timeout and idle >= timeout - warn and not warned:
            return Step(model.showing(replace(view, idle_warning=True)))
        return Step(model)

    # -- helpers ---------------------------------------------------------------------------

    def _slide(self, model: CustomerModel, now: Now) -> CustomerModel:
        """The attract slide rotation (a new view only when the slide changes)."""
        view = model.view
        if not isinstance(view, AttractState) or view.blanked:
            return model
        slide, since = pick(
            model.slides, view.slide, model.slide_since, now.mono, now.wall, view.lang
        )
        if slide == view.slide and since == model.slide_since:
            return model
        return replace(model.showing(replace(view, slide=slide)), slide_since=since)

    def _attract(self, model: CustomerModel) -> AttractState:
        return AttractState(
            lang=self._cfg(model).language,
            languages=tuple(self._cfg(model).languages),
            shop_name=self.settings.shop_name,
            join_url=model.join_url,
            phone=self._cfg(model).phone_stamps,
            access=self._cfg(model).access(),
        )

    def _cfg(self, model: CustomerModel) -> CustomerSettings:
        """The settings in force: the cloud's (SettingsChanged) once they came, else ours."""
        return model.tuned or self.settings

    def _tuned(self, model: CustomerModel, settings: CustomerSettings) -> CustomerModel:
        """Take the shop's new settings (this build's shop name and staff mode stay);
        an attract screen on show is drawn again with them, a visit goes on."""
        tuned = replace(
            settings, shop_name=self.settings.shop_name, staff_mode=self.settings.staff_mode
        )
        model = replace(model, tuned=tuned)
        if isinstance(model.view, AttractState):
            return replace(model.showing(self._attract(model)), access=tuned.access())
        return model

    def _cloud_settings(self, model: CustomerModel, join_url: str) -> CustomerModel:
        """Remember the join page; an attract screen on show gets its QR at once."""
        model = replace(model, join_url=join_url)
        view = model.view
        if isinstance(view, AttractState):
            return model.showing(replace(view, join_url=join_url))
        return model

    def _message(
        self,
        model: CustomerModel,
        kind: MessageKind,
        back: ViewState | None = None,
        **values: str,
    ) -> MessageState:
        lang = model.view.lang
        join = model.join_url if kind in _OFFER_JOIN else ""
        return MessageState(
            lang=lang, kind=kind, values=tuple(values.items()), back=back, join_url=join
        )

    def _hhmm(self, when: datetime | None) -> str:
        """Local HH:MM for the customer (the shop's clock on the wall)."""
        if when is None:
            return ""
        local = when.astimezone(self.tz) if when.tzinfo else when
        return local.strftime("%H:%M")


def _card_of(view: CustomerState) -> Card | None:
    """The card a screen is about, if any (card, reward, vouchers, an open card voucher)."""
    if isinstance(view, (CardState, RewardState, VouchersState, VoucherOpenState)):
        return view.card
    return None
