"""KioskController: scans in, one current ViewState out; the only object the UI talks to.

Why one controller: the UI must not know whether a scan went to the customer journey or
to staff mode, nor call the API. It subscribes here, renders `state`, and forwards touches
as `touch(action, **data)`. Scans arrive on the scanner's thread, API answers on a small
worker pool, touches and ticks on the UI thread; the flows serialise them.

Routing: a staff badge, or any scan while staff mode is active, goes to the staff flow
(`staff_flow`, built by kiosk/cli/_staff_parts.build_staff); everything else to the CustomerFlow.

`ClientServices` adapts the real pieces to the customer flow's needs: the outbox-backed
StampService (kiosk.stamping) when present, else the API client directly; the printer
service for coupons. Each piece is optional so the kiosk runs with what this build has.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Protocol

from kiosk.api import errors
from kiosk.api.keys import new_idempotency_key
from kiosk.api.models import Card, StampResult, Voucher
from kiosk.config import Settings
from kiosk.flows.base import Clock, SystemClock, ViewState
from kiosk.flows.customer import (
    CustomerFlow,
    CustomerServices,
    CustomerSettings,
    Done,
    PrintKind,
    Runner,
    StampAnswer,
    StampKind,
    run_inline,
)
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)

Listener = Callable[[ViewState], None]


# -- scan classification -----------------------------------------------------------------


def fallback_classify(text: str, scanner: Any) -> ClassifiedScan:
    """The ARCHITECTURE section 4 rules, used only when kiosk.scan_router is absent."""
    text = (text or "").strip()
    if not text or len(text) > scanner.max_payload_length:
        return ClassifiedScan(ScanKind.UNKNOWN, reason="empty or too long")
    if text.startswith(scanner.staff_badge_prefix):
        return ClassifiedScan(ScanKind.STAFF_BADGE, text)
    if text.startswith(scanner.pairing_prefix):
        server, _, code = text[len(scanner.pairing_prefix) :].partition("#")
        return ClassifiedScan(ScanKind.PAIRING, code, server=server)
    if m := re.fullmatch(scanner.card_url_pattern, text):
        return ClassifiedScan(ScanKind.CARD, m.group("token"))
    if m := re.fullmatch(scanner.voucher_url_pattern, text):
        return ClassifiedScan(ScanKind.VOUCHER, m.group("voucher_id"), by_id=True)
    if re.fullmatch(scanner.redeem_code_pattern, text):
        return ClassifiedScan(ScanKind.VOUCHER, text)
    if re.fullmatch(scanner.card_token_pattern, text):
        return ClassifiedScan(ScanKind.CARD, text)
    return ClassifiedScan(ScanKind.UNKNOWN, reason="no pattern matched")


def load_classifier() -> Callable[[str, Any], ClassifiedScan]:
    try:
        return importlib.import_module("kiosk.scan_router").classify
    except (ImportError, AttributeError):
        return fallback_classify


# -- services adapter ----------------------------------------------------------------------


def _stamp_kind(outcome: Any) -> StampKind:
    kind = getattr(outcome, "kind", "")
    name = str(getattr(kind, "name", kind)).upper()
    return {
        "ADDED": StampKind.ADDED,
        "SAVED_PENDING": StampKind.SAVED_PENDING,
        "COOLDOWN": StampKind.COOLDOWN,
        "CARD_NOT_FOUND": StampKind.CARD_NOT_FOUND,
        "INVALID": StampKind.CARD_NOT_FOUND,
        "REJECTED": StampKind.REJECTED,
    }.get(name, StampKind.NOT_SAVED)


# RedeemService (kiosk.stamping) answers with outcome kinds; the flow speaks API errors.
_REDEEM_ERRORS: dict[str, type[errors.ApiError]] = {
    "ALREADY_REDEEMED": errors.VoucherAlreadyRedeemed,
    "EXPIRED": errors.VoucherExpired,
    "NOT_SELF_REDEEMABLE": errors.VoucherNotSelfRedeemable,
    "NOT_FOUND": errors.VoucherNotFound,
    "NEEDS_CLOUD": errors.Offline,
}


def _voucher_from_redeem(outcome: Any) -> Voucher:
    kind = getattr(outcome, "kind", "")
    name = str(getattr(kind, "name", kind)).upper()
    voucher = getattr(outcome, "voucher", None)
    if name in ("REDEEMED", "REDEEMED_OFFLINE") and voucher is not None:
        return voucher
    raise _REDEEM_ERRORS.get(name, errors.ApiError)(str(getattr(outcome, "reason", "") or name))


class CustomerApi(Protocol):
    """What the customer flow needs of kiosk.api.client.LoyaltyClient (no stamp path)."""

    def card_by_token(self, token: str) -> Card: ...
    def add_stamp(
        self, card_id: str, *, idempotency_key: str, occurred_at: datetime
    ) -> StampResult: ...
    def voucher_by_code(self, code: str) -> Voucher: ...
    def voucher(self, voucher_id: str) -> Voucher: ...
    def redeem(
        self, voucher_id: str, *, idempotency_key: str, occurred_at: datetime
    ) -> Voucher: ...


class ClientServices:
    """The customer flow's services on the real client, stamp path and printer."""

    def __init__(
        self,
        client: CustomerApi,
        *,
        stamp_service: Any = None,
        redeem_service: Any = None,
        printer: Any = None,
        shop_name: str = "",
        footer: str = "",
        day_log: Any = None,
    ) -> None:
        self.client = client
        self.day_log = day_log  # kiosk.day_summary.DayLog: the staff's day summary reads it
        self.stamp_service = stamp_service
        self.redeem_service = redeem_service
        self.printer = printer
        self.shop_name = shop_name
        self.footer = footer
        self.last_print: Any = None  # the last PrintJob (the demo copies its preview)

    def stamp(self, token: str, scanned_at: datetime) -> StampAnswer:
        if self.stamp_service is not None:
            outcome = self.stamp_service.stamp(token, scanned_at=scanned_at)
            unlocked = getattr(outcome, "unlocked", None)
            if unlocked is None:
                unlocked = getattr(outcome, "unlocked_vouchers", ())
            return StampAnswer(
                _stamp_kind(outcome),
                card=getattr(outcome, "card", None),
                unlocked=tuple(unlocked or ()),
                next_stamp_at=getattr(outcome, "next_stamp_at", None),
            )
        return self._stamp_direct(token, scanned_at)

    def _stamp_direct(self, token: str, scanned_at: datetime) -> StampAnswer:
        """Without the outbox: look up, then stamp with a key taken at the scan."""
        key = new_idempotency_key()
        try:
            card: Card = self.client.card_by_token(token)
        except errors.NotFound:
            return StampAnswer(StampKind.CARD_NOT_FOUND)
        try:
            result = self.client.add_stamp(card.id, idempotency_key=key, occurred_at=scanned_at)
        except errors.CooldownActive as exc:
            return StampAnswer(
                StampKind.COOLDOWN, card=card, next_stamp_at=exc.next_stamp_at or card.next_stamp_at
            )
        except errors.NotFound:
            return StampAnswer(StampKind.CARD_NOT_FOUND)
        return StampAnswer(StampKind.ADDED, card=result.card, unlocked=result.unlocked_vouchers)

    def voucher_by_code(self, code: str) -> Voucher:
        return self.client.voucher_by_code(code)

    def voucher_by_id(self, voucher_id: str) -> Voucher:
        return self.client.voucher(voucher_id)

    def redeem(self, voucher_id: str, occurred_at: datetime) -> Voucher:
        if self.redeem_service is not None:
            outcome = self.redeem_service.redeem(voucher_id, scanned_at=occurred_at)
            voucher = _voucher_from_redeem(outcome)
            if str(getattr(outcome, "kind", "")) == "redeemed":
                self._log_redemption(voucher_id, occurred_at)  # offline ones: the outbox counts
            return voucher
        return self.client.redeem(
            voucher_id, idempotency_key=new_idempotency_key(), occurred_at=occurred_at
        )

    def _log_redemption(self, voucher_id: str, at: datetime) -> None:
        if self.day_log is None:
            return
        try:
            self.day_log.record("redemption", at, voucher_id)
        except Exception as exc:  # noqa: BLE001 - a summary line never costs a redemption
            log.warning("day log: %s", exc)

    def print_voucher(self, voucher: Voucher, lang: str) -> PrintKind:
        if self.printer is None:
            return PrintKind.FAILED
        from devices.printer.coupon import Coupon

        coupon = Coupon(
            title=voucher.title,
            shop_name=self.shop_name,
            description=voucher.description,
            redeem_code=voucher.redeem_code.value if voucher.redeem_code else voucher.id,
            symbology=voucher.redeem_code.symbology if voucher.redeem_code else "qr",
            valid_until=voucher.valid_until.date().isoformat() if voucher.valid_until else None,
            voucher_id=voucher.id,
            issued_at=voucher.redeemed_at,
            footer=self.footer,
            language=lang,
        )
        job = self.printer.submit(coupon)
        self.last_print = job
        state = str(getattr(job, "state", "printed")).lower()
        if state == "printed":
            return PrintKind.PRINTED
        if state == "unconfirmed":
            return PrintKind.UNCONFIRMED
        status: dict[str, Any] = getattr(job, "status", None) or {}
        if status.get("paper_out") or "paper" in str(getattr(job, "reason", "")).lower():
            return PrintKind.PAPER_OUT
        return PrintKind.FAILED


# -- the controller --------------------------------------------------------------------------


class PoolRunner:
    """Runs flow jobs on a small worker pool (never on the UI thread)."""

    def __init__(self, workers: int = 2) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-api")

    def __call__(self, job: Callable[[], Any], done: Done) -> None:
        def task() -> None:
            try:
                result = job()
            except Exception as exc:  # the flow turns it into a message
                log.debug("job failed; handed to the flow", exc_info=True)
                done(None, exc)
                return
            done(result, None)

        self.pool.submit(task)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class KioskController:
    """Owns scan routing, the flows and the worker pool; publishes the current ViewState."""

    def __init__(
        self,
        settings: Settings,
        services: CustomerServices,
        *,
        clock: Clock | None = None,
        staff_flow: Any = None,
        shop_name: str = "",
        runner: Callable[[Callable[[], Any], Done], None] | None = None,
        classify: Callable[[str, Any], ClassifiedScan] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self._pool = None if runner else PoolRunner()
        run: Runner = runner or self._pool or run_inline
        self.customer = CustomerFlow(
            services,
            CustomerSettings.from_ui(settings.ui, shop_name=shop_name),
            clock=self.clock,
            runner=run,
        )
        self.staff = staff_flow
        self._classify = classify or load_classifier()
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self.scans = 0
        self.customer.subscribe(self._changed_by)
        if self.staff is not None and hasattr(self.staff, "subscribe"):
            self.staff.subscribe(self._changed_by)

    # -- state out -------------------------------------------------------------------------

    @property
    def staff_active(self) -> bool:
        return bool(self.staff is not None and getattr(self.staff, "active", False))

    @property
    def state(self) -> ViewState:
        return self.staff.state if self.staff_active else self.customer.state

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def _changed_by(self, _state: ViewState) -> None:
        """A flow published: the controller's view may have changed with it."""
        self._changed()

    def _changed(self) -> None:
        state = self.state
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(state)
            except Exception:  # a broken listener must not break the flows
                log.exception("state listener failed")

    # -- events in ---------------------------------------------------------------------------

    def on_scan_event(self, event: Any) -> None:
        """ScannerManager's callback: ScanEvent (or anything with .text)."""
        self.on_scan_text(getattr(event, "text", str(event)))

    def on_scan_text(self, text: str) -> None:
        self.scans += 1
        try:
            scan = self._classify(text, self.settings.scanner)
        except Exception:  # a bad payload is a message, never a crash
            log.exception("classify failed")
            scan = ClassifiedScan(ScanKind.UNKNOWN, reason="classifier error")
        self.route(scan)

    def route(self, scan: ClassifiedScan) -> None:
        staff = self.staff
        if staff is not None and (scan.kind is ScanKind.STAFF_BADGE or self.staff_active):
            handled = False
            try:
                handled = bool(staff.on_scan(scan))
            except Exception:  # a staff-mode bug must not stop customer scans; say it loudly
                log.exception("staff flow failed on a scan")
            was_active = self.staff_active
            self._changed()
            if handled or was_active:
                return
        self.customer.on_scan(scan)

    def touch(self, action: str, **data: Any) -> None:
        if self.staff is not None and (self.staff_active or action.startswith("staff")):
            self.staff.touch(action, **data)
            self._changed()
            return
        self.customer.touch(action, **data)

    def tick(self) -> None:
        if self.staff is not None:
            was = self.staff_active
            try:
                self.staff.tick()
            except Exception:  # a staff-mode bug must not stop the customer's clock
                log.exception("staff flow tick failed")
            if was != self.staff_active:
                self._changed()
        self.customer.tick()

    def out_of_service(self, reason: str) -> None:
        self.customer.out_of_service(reason)

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
