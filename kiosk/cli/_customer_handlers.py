"""The customer flow's effects, carried out: the stamp path, the API client, the printer.

Why in the composition root: the flow (kiosk.flows.customer) is pure and imports no API
client and no printer; it returns effects, and these handlers, typed against the small
Protocols below, do the blocking work on the host's worker pool. The stamp path answers in
its own vocabulary (kiosk.outcomes), which the flow reads as is: nothing is translated here.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from kiosk.api import errors
from kiosk.api.models import LotteryDraw, Voucher
from kiosk.flows.customer import LookUpVoucher, PrintKind, PrintVoucher, Redeem, Stamp
from kiosk.flows.customer.access import Speak
from kiosk.flows.runtime import Handlers
from kiosk.metrics.hooks import count_stamp
from kiosk.outcomes import RedeemKind, RedeemOutcome, StampKind, StampOutcome

if TYPE_CHECKING:
    from devices.printer.coupon import Coupon
    from devices.printer.jobs import PrintJob

log = logging.getLogger(__name__)


class StampPath(Protocol):
    """kiosk.stamping.StampService: scan -> durable row -> send -> outcome."""

    def stamp(
        self, card_token: str, *, scanned_at: datetime, key: str | None = None
    ) -> StampOutcome: ...


class RedeemPath(Protocol):
    """kiosk.stamping.RedeemService: the cloud decides (or the outbox, when allowed)."""

    def redeem(
        self, voucher_id: str, *, scanned_at: datetime, key: str | None = None
    ) -> RedeemOutcome: ...


class VoucherLookup(Protocol):
    """What a scanned coupon needs of kiosk.api.client.LoyaltyClient."""

    def voucher_by_code(self, code: str) -> Voucher: ...
    def voucher(self, voucher_id: str) -> Voucher: ...


class CouponPrinter(Protocol):
    """devices.printer.service.PrinterService (through _kiosk_parts.LazyPrinter)."""

    def submit(self, coupon: Coupon) -> PrintJob: ...


class RedemptionLog(Protocol):
    """kiosk.day_summary.DayLog: the staff's day summary counts online redemptions from it."""

    def record(self, kind: str, at: datetime, ref: str | None = None) -> None: ...


class WaitingSpins(Protocol):
    """kiosk.spins.SpinBox: lottery draws delivered by the sync worker, not seen yet."""

    def played(self, stamp_id: str) -> None: ...
    def take(self, card_id: str) -> tuple[str, LotteryDraw] | None: ...


class SpeechOut(Protocol):
    """kiosk.speech.Speaker: hands the text to its own thread and returns at once."""

    def say(self, text: str, lang: str, volume: int, interrupt: bool = True) -> None: ...


class CustomerEffects:
    """One method per customer effect; `customer_handlers` registers them on a Handlers."""

    def __init__(
        self,
        stamps: StampPath,
        redeems: RedeemPath,
        vouchers: VoucherLookup,
        printer: CouponPrinter | None = None,
        *,
        shop_name: str = "",
        footer: str = "",
        day_log: RedemptionLog | None = None,
        spins: WaitingSpins | None = None,
        speaker: SpeechOut | None = None,
    ) -> None:
        self.stamps = stamps
        self.redeems = redeems
        self.vouchers = vouchers
        self.printer = printer
        self.shop_name = shop_name
        self.footer = footer
        self.day_log = day_log
        self.spins = spins
        self.speaker = speaker  # None: the mode works without speech
        self.last_print: PrintJob | None = None  # the demo copies its preview

    def stamp(self, effect: Stamp) -> StampOutcome:
        try:
            outcome = self.stamps.stamp(effect.token, scanned_at=effect.scanned_at)
        except Exception as exc:  # the flow says "not saved"; the log says why
            log.warning("stamp failed: %s", type(exc).__name__)
            count_stamp(None)
            raise
        count_stamp(outcome)
        return self._with_spin(outcome)

    def _with_spin(self, outcome: StampOutcome) -> StampOutcome:
        """This stamp's draw is played now (never again); with none, a spin that waited
        for this card since an offline stamp was synced is played instead."""
        if self.spins is None:
            return outcome
        if outcome.lottery is not None and outcome.result is not None:
            self.spins.played(outcome.result.stamp_id)
            return outcome
        if outcome.card is not None and outcome.kind in (StampKind.ADDED, StampKind.COOLDOWN):
            waiting = self.spins.take(outcome.card.id)
            if waiting is not None:
                return replace(outcome, lottery=waiting[1])
        return outcome

    def look_up(self, effect: LookUpVoucher) -> Voucher:
        try:
            if effect.voucher_id:
                return self.vouchers.voucher(effect.voucher_id)
            return self.vouchers.voucher_by_code(effect.code)
        except Exception as exc:  # the flow words it for the customer; the log keeps it
            _log_voucher_failure("look-up", exc)
            raise

    def redeem(self, effect: Redeem) -> RedeemOutcome:
        try:
            outcome = self.redeems.redeem(effect.voucher_id, scanned_at=effect.at)
        except Exception as exc:  # the flow words it for the customer; the log keeps it
            _log_voucher_failure("redemption", exc)
            raise
        if outcome.kind is RedeemKind.REDEEMED:  # offline ones: the outbox counts them
            self._log_redemption(effect.voucher_id, effect.at)
        return outcome

    def _log_redemption(self, voucher_id: str, at: datetime) -> None:
        if self.day_log is None:
            return
        try:
            self.day_log.record("redemption", at, voucher_id)
        except Exception as exc:  # noqa: BLE001 - a summary line never costs a redemption
            log.warning("day log: %s", exc)

    def speak(self, effect: Speak) -> None:
        """The accessibility mode's speech: queued, never waited for (kiosk/speech.py)."""
        if self.speaker is not None:
            self.speaker.say(effect.text, effect.lang, effect.volume, effect.interrupt)

    def print_voucher(self, effect: PrintVoucher) -> PrintKind:
        if self.printer is None:
            return PrintKind.FAILED
        job = self.printer.submit(self._coupon(effect.voucher, effect.lang))
        self.last_print = job
        if job.state == "printed":
            return PrintKind.PRINTED
        if job.state == "unconfirmed":
            return PrintKind.UNCONFIRMED
        if (job.status or {}).get("paper_out") or "paper" in job.reason.lower():
            return PrintKind.PAPER_OUT
        return PrintKind.FAILED

    def _coupon(self, voucher: Voucher, lang: str) -> Coupon:
        from devices.printer.coupon import Coupon  # the printer package loads on first print

        code = voucher.redeem_code
        return Coupon(
            title=voucher.title,
            shop_name=self.shop_name,
            description=voucher.description,
            redeem_code=code.value if code else voucher.id,
            symbology=code.symbology if code else "qr",
            valid_until=voucher.valid_until.date().isoformat() if voucher.valid_until else None,
            voucher_id=voucher.id,
            issued_at=voucher.redeemed_at,
            footer=self.footer,
            language=lang,
        )


def _log_voucher_failure(what: str, exc: Exception) -> None:
    """An API "no" is an ordinary answer (info); anything else is worth a warning."""
    level = logging.INFO if isinstance(exc, errors.ApiError) else logging.WARNING
    log.log(level, "voucher %s failed: %s", what, type(exc).__name__)


def customer_handlers(effects: CustomerEffects) -> Handlers:
    """The customer flow's effect types, each to the method that carries it out."""
    return (
        Handlers()
        .on(Stamp, effects.stamp)
        .on(LookUpVoucher, effects.look_up)
        .on(Redeem, effects.redeem)
        .on(PrintVoucher, effects.print_voucher)
        .on(Speak, effects.speak)
    )
