"""Test handles on one mode of a kiosk host (kiosk/cli/_kiosk_parts.py kiosk_host).

Why: the staff and technician tests drive one mode through the real host (customer at the
base, staff opened by the gesture or a badge, the technician by staff's Diagnostics), and
look at that mode's model and view. These handles name those few reads and sends; every
intent still goes through `host.send`, as the screens send it.
"""

from __future__ import annotations

from typing import Any

from kiosk.flows.customer.intents import ChooseLanguage, StaffGesture
from kiosk.flows.runtime import FlowHost, Intent, Scanned
from kiosk.flows.staff import StaffModel
from kiosk.flows.technician import intents as ti
from kiosk.flows.technician.model import Page, TechnicianModel, TechnicianView
from kiosk.scan_kinds import ClassifiedScan


class ModeHandle:
    """One mode of `host`: its state while on top, its model (its last one once closed)."""

    mode = ""

    def __init__(self, host: FlowHost) -> None:
        self.host = host

    @property
    def state(self) -> Any:
        return self.host.state

    @property
    def active(self) -> bool:
        return self.mode in self.host.modes

    def send(self, intent: Intent) -> None:
        self.host.send(intent)

    def tick(self) -> None:
        self.host.tick()

    def subscribe(self, listener: Any) -> Any:
        return self.host.subscribe(listener)

    def scan(self, scan: ClassifiedScan) -> None:
        self.host.send(Scanned(scan, self.host.clock.now()))

    def on_scan(self, scan: ClassifiedScan) -> bool:
        """True when this mode took the scan: it was open, or the scan opened it."""
        before = self.active
        self.scan(scan)
        return before or self.active

    def _model(self) -> Any:
        model = self.host.model_of(self.mode)
        return model if model is not None else self.host._last.get(self.mode)


class StaffHandle(ModeHandle):
    mode = "staff"

    @property
    def model(self) -> StaffModel:
        model = self._model()
        assert isinstance(model, StaffModel)
        return model

    def begin_unlock(self, lang: str = "") -> None:
        """The hidden gesture on the customer's screen (in `lang`, chosen there first)."""
        if lang:
            self.host.send(ChooseLanguage(lang))
        self.host.send(StaffGesture())

    def close(self) -> None:
        from kiosk.flows.staff.intents import Exit

        if self.active:
            self.host.send(Exit())


class TechnicianHandle(ModeHandle):
    """The technician flow as the one mode of its own host (unit tests of its pages)."""

    mode = "technician"

    def __init__(self, host: FlowHost, lang: str = "en") -> None:
        super().__init__(host)
        self.lang = lang
        self.outcome: Any = None  # the mode's Outcome (a re-pairing's result)
        self.deps: Any = None  # the mode's TechnicianDeps (swap one in a test)

    @property
    def result(self) -> Any:
        return self.outcome.result

    @property
    def restart_requested(self) -> bool:
        return bool(self.outcome.restart_requested)

    @property
    def view(self) -> TechnicianView:
        state = self.host.view_of(self.mode)
        assert isinstance(state, TechnicianView)
        return state

    @property
    def model(self) -> TechnicianModel:
        model = self._model()
        assert isinstance(model, TechnicianModel)
        return model

    @property
    def active(self) -> bool:
        return self.mode in self.host.modes and self.view.page is not Page.CLOSED

    def open(self) -> None:
        """What staff's Diagnostics does (here on a host whose base is the technician)."""
        self.host.send(ti.OpenScreen(self.lang))

    def close(self) -> None:
        self.host.send(ti.CloseScreen())

    def on_scan(self, scan: ClassifiedScan) -> bool:
        if not self.active:
            return False
        self.scan(scan)
        return True


def technician_handle(
    mode: Any, *, clock: Any = None, executor: Any = None, lang: str = "en"
) -> TechnicianHandle:
    """A TechnicianMode (kiosk/cli/_technician_parts.py) as the one mode of its own host."""
    from kiosk.flows.runtime.host import InlineExecutor

    host = FlowHost(
        {"technician": mode.flow},
        "technician",
        mode.handlers,
        clock=clock,
        executor=executor or InlineExecutor(),
    )
    handle = TechnicianHandle(host, lang)
    handle.outcome = mode.outcome
    handle.deps = mode.deps
    return handle
