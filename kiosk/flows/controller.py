"""KioskController: scans in, one current ViewState out; the only object the UI talks to.

Why one controller: the UI must not know whether a scan went to the customer journey or
to staff mode, nor call the API. It subscribes here, renders `state`, and forwards touches
as `touch(action, **data)`. Scans arrive on the scanner's thread, API answers on a small
worker pool, touches and ticks on the UI thread; the flows serialise them.

Routing: a staff badge, or any scan while staff mode is active, goes to the staff flow
(`staff_flow`, built by kiosk/cli/_staff_parts.build_staff); everything else to the customer flow.

The customer flow runs on its own FlowHost (kiosk.flows.customer.face): the controller is
given the handlers that carry its effects out (wired in kiosk/cli/_customer_handlers.py),
never an API client or a printer.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from kiosk.config import Settings
from kiosk.flows.base import Clock, SystemClock, ViewState
from kiosk.flows.customer import CustomerSettings, customer_face
from kiosk.flows.runtime import Handlers
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


# -- the controller --------------------------------------------------------------------------


class KioskController:
    """Owns scan routing, the flows and the worker pool; publishes the current ViewState."""

    def __init__(
        self,
        settings: Settings,
        handlers: Handlers,
        *,
        clock: Clock | None = None,
        staff_flow: Any = None,
        shop_name: str = "",
        executor: Executor | None = None,
        classify: Callable[[str, Any], ClassifiedScan] | None = None,
    ) -> None:
        """`handlers` carry the customer flow's effects out; `executor` runs them (default:
        the customer host's own 2-thread pool; tests pass an InlineExecutor)."""
        self.settings = settings
        self.clock = clock or SystemClock()
        self.customer = customer_face(
            CustomerSettings.from_ui(settings.ui, shop_name=shop_name),
            handlers,
            clock=self.clock,
            executor=executor,
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
        if action.startswith("staff"):  # the hidden gesture, in a build without staff mode
            log.info("no staff mode here; %r ignored", action)
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
        self.customer.shutdown()
