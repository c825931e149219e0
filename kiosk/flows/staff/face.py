"""StaffFace: the staff flow on a one-mode FlowHost, with the old StaffFlow's interface.

Transitional (issue 14, step 4): KioskController and WithTechnician still talk to a
`staff_flow` object (`active`, `state`, `subscribe`, `touch`, `on_scan -> bool`, `tick`,
`close`). This face gives them that, and maps the screens' action strings to intents
(TABLE). It goes away when the screens send intents and the host's stack replaces the
controller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.flows.runtime import Intent, Scanned
from kiosk.flows.runtime.host import FlowHost
from kiosk.flows.runtime.legacy_face import IntentTable, LegacyFace
from kiosk.flows.staff import form_intents as f
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.model import StaffModel
from kiosk.flows.staff.tools import GESTURE_ACTIONS
from kiosk.flows.staff_states import CLOSED_SCREEN
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)

TABLE: IntentTable = {
    "wake": i.Wake,
    "exit": i.Exit,
    "cancel": i.Cancel,
    "back": i.Back,
    "pin_digit": i.PinDigit,
    "pin_back": i.PinBack,
    "pin_clear": i.PinClear,
    "pin_ok": i.PinOk,
    "open_issue": i.OpenIssue,
    "open_tools": i.OpenTools,
    "diagnostics": i.Diagnostics,
    "reprint_last": i.ReprintLast,
    "printer_status": i.PrinterStatus,
    "test_print": i.TestPrint,
    "print_summary": i.PrintSummary,
    "print": i.PrintIssued,
    "retry_print": i.RetryPrint,
    "new_voucher": i.NewVoucher,
    "focus": f.Focus,
    "key": f.Key,
    "backspace": f.Backspace,
    "set_text": f.SetText,
    "pick_candidate": f.PickCandidate,
    "candidate_page": f.CandidatePage,
    "end_compose": f.EndCompose,
    "set_code_mode": f.SetCodeMode,
    "set_symbology": f.SetSymbology,
    "set_validity": f.SetValidity,
    "date_step": f.DateStep,
    "next_image": f.NextImage,
    "toggle_print": f.TogglePrint,
    "search": f.Search,
    "pick_customer": f.PickCustomer,
    "clear_customer": f.ClearCustomer,
    "generate": f.Generate,
}


class StaffFace(LegacyFace):
    """What KioskController / WithTechnician call `staff_flow`."""

    def __init__(self, host: FlowHost, *, lang_source: Callable[[], str] | None = None) -> None:
        super().__init__(host, TABLE)
        self.lang_source = lang_source  # the customer screen's language when staff comes

    @property
    def active(self) -> bool:
        """True from the gesture (or a badge) until staff mode closes."""
        return self.state.screen != CLOSED_SCREEN

    @property
    def model(self) -> StaffModel:
        """The staff flow's model now (read-only; what tests look at)."""
        model = self.host.model_of("staff")
        assert isinstance(model, StaffModel)
        return model

    def begin_unlock(self, lang: str = "") -> None:
        """The hidden gesture on the attract screen: the PIN pad (or the lockout countdown)."""
        self.host.send(i.OpenStaff(lang=lang or self._lang()))

    def touch(self, action: str, **data: Any) -> None:
        if action in GESTURE_ACTIONS:
            lang = data.get("lang")
            self.begin_unlock(lang if isinstance(lang, str) else "")
            return
        super().touch(action, **data)

    def send(self, intent: Intent) -> None:
        self.host.send(intent)

    def on_scan(self, scan: ClassifiedScan) -> bool:
        """True when staff mode took the scan (then the customer flow must not see it)."""
        badge = scan.kind is ScanKind.STAFF_BADGE
        if not (badge or self.active):
            return False
        if badge and not self.active:
            self.begin_unlock()
        self.host.send(Scanned(scan, self.host.clock.now()))
        return True

    def close(self) -> None:
        """End staff mode (forget the token, tell the server): as Exit does."""
        self.host.send(i.Exit())

    def _lang(self) -> str:
        if self.lang_source is None:
            return ""
        try:
            return self.lang_source()
        except Exception:  # a language lookup must never block staff login; said, not hidden
            log.exception("language source failed")
            return ""
