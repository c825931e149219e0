"""The technician mode wired where KioskController expects its staff flow (transitional).

TechnicianFace: a one-mode FlowHost wearing the old TechnicianFlow's interface: `active`,
`open()` (the staff menu's Diagnostics calls it), `close()`, plus `state/subscribe/touch/
on_scan/tick` from LegacyFace. WithTechnician presents staff + technician to KioskController
as its one `staff_flow`. Both go when the host's mode stack replaces the controller: the
technician is then a mode the staff flow opens with OpenMode("technician").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.flows.base import ViewState
from kiosk.flows.pairing import Outcome, PairResult
from kiosk.flows.runtime.host import FlowHost
from kiosk.flows.runtime.legacy_face import IntentTable, LegacyFace
from kiosk.flows.technician import intents as i
from kiosk.flows.technician.model import Frame, Page, TechnicianView
from kiosk.scan_kinds import ClassifiedScan

log = logging.getLogger(__name__)

TABLE: IntentTable = {
    "tech_digit": i.PinDigit,
    "tech_clear": i.PinClear,
    "tech_enter": i.PinEnter,
    "tech_close": i.CloseScreen,
    "tech_refresh": i.RunChecks,
    "tech_test_print": i.PrintTest,
    "tech_restart": i.RestartApp,
    "tech_repair": i.StartRepair,
    "tech_repair_sync": i.SendNow,
    "tech_repair_confirm": i.ConfirmRepair,
    "tech_repair_retry": i.RetryRepair,
    "tech_repair_cancel": i.CancelRepair,
    # what the app sends for any touch (and the staff gesture) while the screen is open
    "wake": i.Wake,
    "staff_unlock": i.Wake,
}


class TechnicianFace(LegacyFace):
    """The technician mode as the old flow object (see the module docstring)."""

    def __init__(
        self,
        host: FlowHost,
        *,
        enabled: bool,
        lang_source: Callable[[], str] | None = None,
        outcome: Outcome | None = None,
        deps: Any = None,
    ) -> None:
        super().__init__(host, TABLE)
        self.enabled = enabled  # False: no technician PIN configured, open() refuses
        self.lang_source = lang_source
        self.outcome = outcome or Outcome()
        self.deps = deps  # what the handlers call, read at call time (wiring and tests)

    @property
    def view(self) -> TechnicianView:
        state = self.host.state
        assert isinstance(state, TechnicianView)
        return state

    @property
    def active(self) -> bool:
        return self.view.page is not Page.CLOSED

    @property
    def result(self) -> PairResult | None:
        """The re-pairing's result (`kiosk run` prints it after the restart)."""
        return self.outcome.result

    @property
    def restart_requested(self) -> bool:
        return self.outcome.restart_requested

    def open(self) -> bool:
        """From the hidden entry. False (and nothing shown) when no technician PIN is set."""
        if not self.enabled:
            log.info("technician screen requested but [technician] pin_sha256 is empty")
            return False
        self.host.send(i.OpenScreen(self._lang()))
        return True

    def close(self) -> None:
        self.host.send(i.CloseScreen())

    def on_scan(self, scan: ClassifiedScan) -> bool:
        return self.active and super().on_scan(scan)

    def attach_camera(self, frame: Frame | None) -> None:
        """The camera started: its newest-frame handle for the live preview."""
        self.host.send(i.CameraReady(frame))

    def _lang(self) -> str:
        try:
            return (self.lang_source() if self.lang_source else "") or "en"
        except Exception:  # the language is a nicety: English when unknown
            log.debug("language source failed", exc_info=True)
            return "en"


class WithTechnician:
    """The staff flow and the technician mode as one `staff_flow` for KioskController."""

    def __init__(self, staff: Any, tech: TechnicianFace) -> None:
        self.staff = staff
        self.tech = tech
        if tech.lang_source is None and staff is not None:
            # the technician pages speak the language the staff screens speak
            tech.lang_source = lambda: str(getattr(getattr(staff, "state", None), "lang", ""))

    @property
    def active(self) -> bool:
        return self.tech.active or bool(self.staff is not None and self.staff.active)

    @property
    def state(self) -> ViewState:
        return self.tech.state if self.tech.active else self.staff.state

    def subscribe(self, listener: Callable[[Any], None]) -> Callable[[], None]:
        undo = [self.tech.subscribe(listener)]
        if self.staff is not None and hasattr(self.staff, "subscribe"):
            undo.append(self.staff.subscribe(listener))

        def unsubscribe() -> None:
            for u in undo:
                u()

        return unsubscribe

    def on_scan(self, scan: Any) -> bool:
        if self.tech.active:
            return self.tech.on_scan(scan)
        return bool(self.staff is not None and self.staff.on_scan(scan))

    def touch(self, action: str, **data: Any) -> None:
        if self.tech.active:
            self.tech.touch(action, **data)
        elif self.staff is not None:
            self.staff.touch(action, **data)

    def tick(self) -> None:
        self.tech.tick()
        if self.staff is not None:
            self.staff.tick()
