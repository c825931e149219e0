"""The customer journey: attract -> working -> card / reward / vouchers / redeemed / messages.

Why a plain-Python state machine: every transition (scan, touch, timer, API answer) is
unit-tested with a FakeClock and no window; the Kivy UI only renders the published state.

Why a generation counter: an API answer may arrive after the customer has gone (idle
timeout, a new scan, "done"). Each job remembers the generation it was started in and
its answer is dropped when the journey has moved on, so a late answer never pops a card
onto an empty kiosk or over the next customer's screen.

Threading: scans come from the scanner thread, answers from a worker pool, touches and
ticks from the UI thread. One lock serialises them; states are published in order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any, Protocol

from kiosk.api import errors
from kiosk.api.models import Card, Voucher
from kiosk.flows.base import Clock, StateMachine, SystemClock, ViewState
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)


# -- what the flow needs from the world (the controller adapts the real services) ----------


class StampKind(StrEnum):
    ADDED = "added"  # the cloud confirmed the stamp
    SAVED_PENDING = "saved_pending"  # durably queued, will be sent (offline)
    COOLDOWN = "cooldown"  # this card got a stamp recently
    CARD_NOT_FOUND = "card_not_found"  # not a card of this shop
    NOT_SAVED = "not_saved"  # could not even be queued (disk?): ask to try again
    REJECTED = "rejected"  # another permanent "no" from the cloud: ask the staff


@dataclass(frozen=True)
class StampAnswer:
    kind: StampKind
    card: Card | None = None
    unlocked: tuple[Voucher, ...] = ()
    next_stamp_at: datetime | None = None


class PrintKind(StrEnum):
    PRINTED = "printed"
    UNCONFIRMED = "unconfirmed"  # sent, the printer never said it printed: maybe in the tray
    PAPER_OUT = "paper_out"
    FAILED = "failed"


class CustomerServices(Protocol):
    """Blocking calls; the flow runs them on a worker, never on the UI thread."""

    def stamp(self, token: str, scanned_at: datetime) -> StampAnswer: ...
    def voucher_by_code(self, code: str) -> Voucher: ...
    def voucher_by_id(self, voucher_id: str) -> Voucher: ...
    def redeem(self, voucher_id: str, occurred_at: datetime) -> Voucher: ...
    def print_voucher(self, voucher: Voucher, lang: str) -> PrintKind: ...


Done = Callable[[Any, BaseException | None], None]
Runner = Callable[[Callable[[], Any], Done], None]


def run_inline(job: Callable[[], Any], done: Done) -> None:
    """A Runner that runs the job at once in the caller's thread (tests, scripts)."""
    try:
        result = job()
    except Exception as exc:  # noqa: BLE001 - handed to the flow, which decides
        done(None, exc)
        return
    done(result, None)


# -- states ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerState(ViewState):
    lang: str = "en"


@dataclass(frozen=True)
class AttractState(CustomerState):
    screen: str = "attract"
    languages: tuple[str, ...] = ("en",)
    shop_name: str = ""
    blanked: bool = False  # screen blanking: the first touch only wakes the screen


@dataclass(frozen=True)
class WorkingState(CustomerState):
    screen: str = "working"
    what: str = "card"  # card | voucher | redeem


@dataclass(frozen=True)
class CardState(CustomerState):
    screen: str = "card"
    card: Card | None = None
    added: int = 0  # stamps added by this scan (the UI animates the newest)

    @property
    def remaining(self) -> int:
        """Stamps still needed for the next milestone (or the goal)."""
        if self.card is None:
            return 0
        nxt = self.card.next_milestone()
        target = nxt.stamps if nxt else self.card.goal
        return max(0, target - self.card.stamps)

    @property
    def next_title(self) -> str:
        nxt = self.card.next_milestone() if self.card else None
        return nxt.title if nxt else ""

    @property
    def usable_vouchers(self) -> tuple[Voucher, ...]:
        return tuple(v for v in self.card.vouchers if v.is_usable) if self.card else ()


@dataclass(frozen=True)
class RewardState(CustomerState):
    screen: str = "reward"
    card: Card | None = None
    vouchers: tuple[Voucher, ...] = ()


@dataclass(frozen=True)
class VouchersState(CustomerState):
    screen: str = "vouchers"
    card: Card | None = None
    vouchers: tuple[Voucher, ...] = ()


@dataclass(frozen=True)
class VoucherOpenState(CustomerState):
    screen: str = "voucher"
    voucher: Voucher | None = None
    card: Card | None = None  # None when the voucher came from a scanned coupon


@dataclass(frozen=True)
class RedeemedState(CustomerState):
    screen: str = "redeemed"
    voucher: Voucher | None = None
    redeemed_at: datetime | None = None
    redeemed_at_text: str = ""  # local HH:MM
    print_status: str = ""  # "" | printing | printed | paper_out | failed

    @property
    def code(self) -> str:
        v = self.voucher
        if v is None:
            return ""
        return v.redeem_code.value if v.redeem_code else v.id

    @property
    def symbology(self) -> str:
        v = self.voucher
        return v.redeem_code.symbology if v and v.redeem_code else "qr"


class MessageKind(StrEnum):
    COOLDOWN = "cooldown"
    UNKNOWN_CODE = "unknown_code"
    CARD_NOT_FOUND = "card_not_found"
    VOUCHER_NOT_FOUND = "voucher_not_found"
    EXPIRED = "expired"
    ALREADY_REDEEMED = "already_redeemed"
    NOT_SELF_REDEEMABLE = "not_self_redeemable"
    OFFLINE_SAVED = "offline_saved"
    OFFLINE_REDEEM = "offline_redeem"
    NOT_SAVED = "not_saved"
    PAPER_OUT = "paper_out"
    PRINT_FAILED = "print_failed"
    ERROR = "error"


@dataclass(frozen=True)
class MessageState(CustomerState):
    screen: str = "message"
    kind: str = MessageKind.ERROR
    values: tuple[tuple[str, str], ...] = ()  # placeholders for the text, e.g. (("time","14:05"),)
    back: ViewState | None = field(default=None, compare=False)  # "OK" returns here

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


@dataclass(frozen=True)
class OutOfServiceState(CustomerState):
    screen: str = "out_of_service"
    reason: str = ""


# -- the flow --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerSettings:
    """The few settings the journey needs (from settings.ui), so tests need no TOML."""

    language: str = "en"
    languages: tuple[str, ...] = ("en", "ko", "zh", "et")
    idle_timeout_s: float = 20.0
    screen_blank_after_s: float = 0.0
    shop_name: str = ""

    @classmethod
    def from_ui(cls, ui: Any, shop_name: str = "") -> CustomerSettings:
        return cls(
            language=ui.language,
            languages=tuple(ui.languages) or (ui.language,),
            idle_timeout_s=float(ui.idle_timeout_s),
            screen_blank_after_s=float(ui.screen_blank_after_s),
            shop_name=shop_name,
        )


class CustomerFlow(StateMachine[CustomerState]):
    """The customer journey. Inputs: on_scan, touch, tick, (answers via the Runner)."""

    def __init__(
        self,
        services: CustomerServices,
        settings: CustomerSettings | None = None,
        clock: Clock | None = None,
        runner: Runner = run_inline,
        tz: tzinfo | None = None,
    ) -> None:
        self.settings = settings or CustomerSettings()
        super().__init__(self._attract(self.settings.language), clock or SystemClock())
        self.services = services
        self._run = runner
        self._tz = tz  # None: the machine's local time zone
        self._mutex = threading.RLock()
        self._gen = 0
        self._last_activity = self.clock.monotonic()
        self._out_of_service = False

    # -- helpers ---------------------------------------------------------------------------

    def _attract(self, lang: str, blanked: bool = False) -> AttractState:
        return AttractState(
            lang=lang,
            languages=tuple(self.settings.languages),
            shop_name=self.settings.shop_name,
            blanked=blanked,
        )

    @property
    def lang(self) -> str:
        return self.state.lang

    def _hhmm(self, when: datetime | None) -> str:
        if when is None:
            return ""
        local = when.astimezone(self._tz) if when.tzinfo else when
        return local.strftime("%H:%M")

    def _activity(self) -> None:
        self._last_activity = self.clock.monotonic()

    def _message(self, kind: MessageKind, back: ViewState | None = None, **values: str) -> None:
        self.publish(
            MessageState(lang=self.lang, kind=kind, values=tuple(values.items()), back=back)
        )

    def _start(
        self, job: Callable[[], Any], on_answer: Callable[[Any, BaseException | None], None]
    ):
        """Run a blocking job on the runner; deliver its answer only if still current."""
        gen = self._gen

        def done(result: Any, exc: BaseException | None) -> None:
            with self._mutex:
                if gen != self._gen or self._out_of_service:
                    log.info("dropping a late answer (the journey moved on)")
                    return
                self._activity()
                on_answer(result, exc)

        self._run(job, done)

    def _new_journey_step(self) -> None:
        """Anything started before this point is stale from now on."""
        self._gen += 1

    # -- inputs ----------------------------------------------------------------------------

    def on_scan(self, scan: ClassifiedScan) -> None:
        """A classified payload from the scanner. Staff badges are the controller's business."""
        with self._mutex:
            if self._out_of_service:
                return
            if isinstance(self.state, WorkingState):
                log.info("scan ignored: still working on the previous one")
                return
            self._activity()
            self._new_journey_step()
            if scan.kind is ScanKind.CARD:
                self._scan_card(scan.value)
            elif scan.kind is ScanKind.VOUCHER:
                self._scan_voucher(scan)
            else:
                self._message(MessageKind.UNKNOWN_CODE)

    def _scan_card(self, token: str) -> None:
        scanned_at = self.clock.now()
        self.publish(WorkingState(lang=self.lang, what="card"))
        self._start(lambda: self.services.stamp(token, scanned_at), self._on_stamp)

    def _on_stamp(self, answer: StampAnswer | None, exc: BaseException | None) -> None:
        if exc is not None or answer is None:
            log.warning("stamp failed: %s", type(exc).__name__ if exc else "no answer")
            self._message(MessageKind.NOT_SAVED)
            return
        if answer.kind is StampKind.ADDED and answer.card is not None:
            card_state = CardState(lang=self.lang, card=answer.card, added=1)
            if answer.unlocked:
                self.publish(
                    RewardState(lang=self.lang, card=answer.card, vouchers=answer.unlocked)
                )
            else:
                self.publish(card_state)
        elif answer.kind is StampKind.COOLDOWN:
            back = CardState(lang=self.lang, card=answer.card) if answer.card else None
            self._message(MessageKind.COOLDOWN, back=back, time=self._hhmm(answer.next_stamp_at))
        elif answer.kind is StampKind.SAVED_PENDING:
            self._message(MessageKind.OFFLINE_SAVED)
        elif answer.kind is StampKind.CARD_NOT_FOUND:
            self._message(MessageKind.CARD_NOT_FOUND)
        elif answer.kind is StampKind.REJECTED:
            self._message(MessageKind.ERROR)
        else:
            self._message(MessageKind.NOT_SAVED)

    def _scan_voucher(self, scan: ClassifiedScan) -> None:
        self.publish(WorkingState(lang=self.lang, what="voucher"))
        if scan.by_id:
            job = lambda: self.services.voucher_by_id(scan.value)  # noqa: E731
        else:
            job = lambda: self.services.voucher_by_code(scan.value)  # noqa: E731
        self._start(job, self._on_voucher)

    def _on_voucher(self, voucher: Voucher | None, exc: BaseException | None) -> None:
        if exc is not None or voucher is None:
            self._voucher_error(exc)
            return
        if voucher.state == "redeemed":
            self._message(MessageKind.ALREADY_REDEEMED, when=self._hhmm(voucher.redeemed_at))
        elif voucher.state == "expired":
            self._message(MessageKind.EXPIRED)
        else:
            self.publish(VoucherOpenState(lang=self.lang, voucher=voucher))

    def _voucher_error(self, exc: BaseException | None, back: ViewState | None = None) -> None:
        if isinstance(exc, errors.NotFound):
            self._message(MessageKind.VOUCHER_NOT_FOUND)
        elif isinstance(exc, errors.VoucherAlreadyRedeemed):
            self._message(MessageKind.ALREADY_REDEEMED, when="")
        elif isinstance(exc, errors.VoucherExpired):
            self._message(MessageKind.EXPIRED)
        elif isinstance(exc, errors.VoucherNotSelfRedeemable):
            self._message(MessageKind.NOT_SELF_REDEEMABLE, back=back)
        elif isinstance(exc, errors.ApiError) and exc.retryable:
            self._message(MessageKind.OFFLINE_REDEEM, back=back)
        else:
            log.warning("voucher call failed: %s", type(exc).__name__ if exc else "no answer")
            self._message(MessageKind.ERROR, back=back)

    def touch(self, action: str, **data: Any) -> None:
        """A touch forwarded by the UI: wake, language, home, vouchers, open_voucher, ..."""
        with self._mutex:
            if self._out_of_service:
                return
            self._activity()
            state = self.state
            if isinstance(state, AttractState) and state.blanked:
                self.publish(replace(state, blanked=False))  # the first touch only wakes
                return
            handler = getattr(self, f"_touch_{action}", None)
            if handler is None:
                log.debug("touch %r ignored", action)
                return
            handler(state, **data)

    def _touch_wake(self, state: CustomerState) -> None:
        return None

    def _touch_language(self, state: CustomerState, lang: str = "") -> None:
        if lang in self.settings.languages and lang != state.lang:
            self.publish(replace(state, lang=lang))

    def _touch_home(self, state: CustomerState) -> None:
        if isinstance(state, WorkingState) and state.what == "redeem":
            return  # a redemption in flight must show its answer
        self._new_journey_step()
        self.publish(self._attract(self.settings.language))

    def _touch_vouchers(self, state: CustomerState) -> None:
        card = getattr(state, "card", None)
        if isinstance(state, (CardState, RewardState, VoucherOpenState)) and card is not None:
            usable = tuple(v for v in card.vouchers if v.is_usable)
            self.publish(VouchersState(lang=self.lang, card=card, vouchers=usable))

    def _touch_open_voucher(self, state: CustomerState, voucher_id: str = "") -> None:
        pool: Sequence[Voucher] = ()
        if isinstance(state, (VouchersState, RewardState)):
            pool = state.vouchers
        card = getattr(state, "card", None)
        for v in (*pool, *(card.vouchers if card else ())):
            if v.id == voucher_id and v.is_usable:
                self.publish(VoucherOpenState(lang=self.lang, voucher=v, card=card))
                return

    def _touch_redeem(self, state: CustomerState, voucher_id: str = "") -> None:
        """Sent by the UI only after the deliberate hold gesture completed."""
        if not isinstance(state, VoucherOpenState) or state.voucher is None:
            return
        voucher = state.voucher
        if voucher.id != voucher_id or not voucher.is_usable:
            return
        if voucher.redemption != "self_redeem":
            self._message(MessageKind.NOT_SELF_REDEEMABLE, back=state)
            return
        self._new_journey_step()
        at = self.clock.now()
        self.publish(WorkingState(lang=self.lang, what="redeem"))

        def answered(result: Voucher | None, exc: BaseException | None) -> None:
            if exc is not None or result is None:
                self._voucher_error(exc, back=state)
                return
            when = result.redeemed_at or at
            self.publish(
                RedeemedState(
                    lang=self.lang,
                    voucher=result,
                    redeemed_at=when,
                    redeemed_at_text=self._hhmm(when),
                )
            )

        self._start(lambda: self.services.redeem(voucher.id, at), answered)

    def _touch_print(self, state: CustomerState) -> None:
        if not isinstance(state, RedeemedState) or state.voucher is None:
            return
        if state.print_status in ("printing", "printed", "unconfirmed"):
            return  # never print twice from one tap-happy customer (unconfirmed: staff look)
        printing = replace(state, print_status="printing")
        self.publish(printing)
        voucher, lang = state.voucher, self.lang

        def answered(result: PrintKind | None, exc: BaseException | None) -> None:
            if exc is None and result is PrintKind.PRINTED:
                self.publish(replace(printing, lang=self.lang, print_status="printed"))
                return
            kind = (
                MessageKind.PAPER_OUT if result is PrintKind.PAPER_OUT else MessageKind.PRINT_FAILED
            )
            back = replace(printing, lang=self.lang, print_status=str(result or "failed"))
            self._message(kind, back=back)

        self._start(lambda: self.services.print_voucher(voucher, lang), answered)

    def _touch_back(self, state: CustomerState) -> None:
        if isinstance(state, MessageState) and state.back is not None:
            self.publish(replace(state.back, lang=self.lang))  # type: ignore[arg-type]
        elif isinstance(state, VoucherOpenState) and state.card is not None:
            self._touch_vouchers(state)
        elif isinstance(state, RewardState) and state.card is not None:
            # the reward came with this visit's stamp: the card shows it popping in
            self.publish(CardState(lang=self.lang, card=state.card, added=1))
        elif isinstance(state, VouchersState) and state.card is not None:
            self.publish(CardState(lang=self.lang, card=state.card))
        elif not isinstance(state, (AttractState, WorkingState, OutOfServiceState)):
            self._touch_home(state)

    _touch_dismiss = _touch_back

    def tick(self) -> None:
        """Called often by the UI's clock: idle timeout and screen blanking."""
        with self._mutex:
            if self._out_of_service:
                return
            idle = self.clock.monotonic() - self._last_activity
            state = self.state
            if isinstance(state, AttractState):
                blank_after = self.settings.screen_blank_after_s
                if blank_after > 0 and idle >= blank_after and not state.blanked:
                    self.publish(replace(state, blanked=True))
                return
            if idle >= self.settings.idle_timeout_s:
                self._new_journey_step()
                self.publish(self._attract(self.settings.language))

    # -- appliance -------------------------------------------------------------------------

    def out_of_service(self, reason: str) -> None:
        """Stop serving customers (bad config, no pairing); the reason is for the technician."""
        with self._mutex:
            self._out_of_service = True
            self._new_journey_step()
            self.publish(OutOfServiceState(lang=self.lang, reason=reason))

    def back_in_service(self) -> None:
        with self._mutex:
            self._out_of_service = False
            self._activity()
            self.publish(self._attract(self.settings.language))
