"""The technician flow: hidden entry + technician PIN, then the kiosk's health on screen.

Plain Python driven by an injected clock (like every flow); the Kivy screen
(kiosk/ui/screens/technician.py) only renders `TechnicianView` and sends touches back.
Entry: the staff menu's "Diagnostics" (StaffFlow(open_diagnostics=tech.open)); the
technician then types the technician PIN ([technician] pin_sha256; empty disables it).

`WithTechnician(staff, tech)` presents both flows to KioskController as its one
`staff_flow`, so the technician screen plugs in without changing the controller: while
the technician flow is active it gets the state, touches, scans and ticks.

What the home page shows: every `kiosk doctor` check with its colour and fix (camera,
decoder, printer, network/server, clock, outbox, ...), the version, the last log lines,
the last scan read while the screen is open (a live decode check, value masked), and
buttons for refresh, test print and restart app.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from kiosk import __version__
from kiosk.flows.base import Clock, StateMachine, SystemClock, ViewState

log = logging.getLogger(__name__)

SCREEN = "technician"
MAX_PIN = 12
MAX_FAILURES = 3
LOCKOUT_S = 120.0


@dataclass(frozen=True)
class CheckLine:
    name: str
    status: str  # green / yellow / red
    message: str
    fix: str = ""


@dataclass(frozen=True)
class TechnicianView(ViewState):
    page: str = "closed"  # closed / pin / locked / home
    pin_length: int = 0
    error: str = ""
    checks: tuple[CheckLine, ...] = ()
    running: bool = False
    version: str = __version__
    log_lines: tuple[str, ...] = ()
    last_scan: str = ""
    message: str = ""
    lang: str = "en"
    # a handle to the live camera image (latest frame, BGR numpy array or None), not data:
    # the screen polls it a few times a second while open; excluded from equality
    preview: Callable[[], Any] | None = field(default=None, compare=False, repr=False)


Runner = Callable[[Callable[[], Any], Callable[[Any], None]], None]


def _inline(job: Callable[[], Any], done: Callable[[Any], None]) -> None:
    done(job())


def mask(value: str) -> str:
    """Enough of a payload to recognise it, never enough to reuse it."""
    return value if len(value) <= 4 else value[:4] + "…" + f" ({len(value)} chars)"


@dataclass
class TechnicianDeps:
    """What the flow calls out to; all injected so tests use the real thing or a stand-in."""

    run_doctor: Callable[[], Any]  # -> object with .checks (CheckResult-like)
    log_tail: Callable[[], list[str]] = field(default_factory=lambda: lambda: [])
    test_print: Callable[[], str] | None = None  # -> a sentence for the technician
    restart: Callable[[], None] | None = None
    camera_frame: Callable[[], Any] | None = None  # -> newest camera frame or None


class TechnicianFlow(StateMachine[TechnicianView]):
    def __init__(
        self,
        pin_sha256: str,
        deps: TechnicianDeps,
        *,
        clock: Clock | None = None,
        runner: Runner = _inline,
        session_timeout_s: float = 300.0,
    ) -> None:
        super().__init__(TechnicianView(SCREEN), clock or SystemClock())
        self.pin_sha256 = pin_sha256.strip().lower()
        self.deps = deps
        self.runner = runner
        self.session_timeout_s = session_timeout_s
        self._pin = ""
        self._failures = 0
        self._locked_until = 0.0
        self._last_touch = 0.0
        self._generation = 0

    # -- the staff-flow-like interface --------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return bool(self.pin_sha256)

    @property
    def active(self) -> bool:
        return self.state.page != "closed"

    def open(self) -> bool:
        """From the hidden entry. False (and nothing shown) when no technician PIN is set."""
        if not self.enabled:
            log.info("technician screen requested but [technician] pin_sha256 is empty")
            return False
        self._pin = ""
        self._last_touch = self.clock.monotonic()
        locked = self.clock.monotonic() < self._locked_until
        self.publish(TechnicianView(SCREEN, page="locked" if locked else "pin"))
        return True

    def close(self) -> None:
        self._pin = ""
        self._generation += 1  # answers of a running doctor are dropped
        self.publish(TechnicianView(SCREEN))

    def on_scan(self, scan: Any) -> bool:
        """While open, every scan is a decode test: shown masked, never acted on."""
        if not self.active:
            return False
        kind = getattr(getattr(scan, "kind", None), "value", "scan")
        text = mask(str(getattr(scan, "value", "") or getattr(scan, "text", "")))
        self._last_touch = self.clock.monotonic()
        self.publish(replace(self.state, last_scan=f"{kind}: {text}"))
        return True

    def touch(self, action: str, **data: Any) -> None:
        if not self.active:
            return
        self._last_touch = self.clock.monotonic()
        handler = getattr(self, "_on_" + action.removeprefix("tech_"), None)
        if handler is not None:
            handler(**data)

    def tick(self) -> None:
        if not self.active:
            return
        now = self.clock.monotonic()
        if now - self._last_touch > self.session_timeout_s:
            self.close()
        elif self.state.page == "locked" and now >= self._locked_until:
            self.publish(TechnicianView(SCREEN, page="pin"))

    # -- PIN -----------------------------------------------------------------------------------

    def _on_digit(self, digit: str = "", **_: Any) -> None:
        if self.state.page == "pin" and digit.isdigit() and len(self._pin) < MAX_PIN:
            self._pin += digit[:1]
            self.publish(replace(self.state, pin_length=len(self._pin), error=""))

    def _on_clear(self, **_: Any) -> None:
        if self.state.page == "pin":
            self._pin = ""
            self.publish(replace(self.state, pin_length=0))

    def _on_enter(self, **_: Any) -> None:
        if self.state.page != "pin":
            return
        typed = hashlib.sha256(self._pin.encode()).hexdigest()
        self._pin = ""
        if hmac.compare_digest(typed, self.pin_sha256):
            self._failures = 0
            self._show_home()
            return
        self._failures += 1
        log.warning("technician PIN wrong (%d of %d)", self._failures, MAX_FAILURES)
        if self._failures >= MAX_FAILURES:
            self._failures = 0
            self._locked_until = self.clock.monotonic() + LOCKOUT_S
            self.publish(TechnicianView(SCREEN, page="locked"))
        else:
            self.publish(TechnicianView(SCREEN, page="pin", error="wrong PIN"))

    def _on_close(self, **_: Any) -> None:
        self.close()

    # -- home ----------------------------------------------------------------------------------

    def _show_home(self) -> None:
        self.publish(
            TechnicianView(
                SCREEN, page="home", log_lines=self._logs(), preview=self.deps.camera_frame
            )
        )
        self._on_refresh()

    def _on_refresh(self, **_: Any) -> None:
        if self.state.page != "home" or self.state.running:
            return
        self._generation += 1
        gen = self._generation
        self.publish(replace(self.state, running=True, message="checking…"))

        def done(report: Any) -> None:
            if gen != self._generation or self.state.page != "home":
                return  # closed or refreshed meanwhile
            if isinstance(report, Exception):
                self.publish(replace(self.state, running=False, message=f"doctor failed: {report}"))
                return
            lines = tuple(CheckLine(c.name, c.status, c.message, c.fix) for c in report.checks)
            self.publish(
                replace(self.state, running=False, checks=lines, message="", log_lines=self._logs())
            )

        self.runner(self._safe(self.deps.run_doctor), done)

    def _on_test_print(self, **_: Any) -> None:
        if self.state.page != "home" or self.deps.test_print is None:
            return
        self.publish(replace(self.state, message="printing a test coupon…"))

        def done(result: Any) -> None:
            if self.state.page == "home":
                text = f"test print failed: {result}" if isinstance(result, Exception) else result
                self.publish(replace(self.state, message=str(text)))

        self.runner(self._safe(self.deps.test_print), done)

    def _on_restart(self, **_: Any) -> None:
        if self.state.page == "home" and self.deps.restart is not None:
            log.warning("restart requested from the technician screen")
            self.deps.restart()

    def _logs(self) -> tuple[str, ...]:
        try:
            return tuple(self.deps.log_tail())
        except Exception:  # the log panel is a convenience, never a failure
            return ()

    @staticmethod
    def _safe(job: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            try:
                return job()
            except Exception as exc:  # shown as a message, never a crash of the UI
                return exc

        return run


class WithTechnician:
    """The staff flow and the technician flow as one `staff_flow` for KioskController."""

    def __init__(self, staff: Any, tech: TechnicianFlow) -> None:
        self.staff = staff
        self.tech = tech

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


def thread_runner(job: Callable[[], Any], done: Callable[[Any], None]) -> None:
    """Run slow work (doctor, test print) off the UI thread; `done` publishes a state,
    which the app already hops back onto Kivy's thread."""
    import threading

    threading.Thread(target=lambda: done(job()), name="technician", daemon=True).start()


def build_technician(
    settings: Any,
    *,
    config_path: Any = None,
    printer: Any = None,
    scanner: Any = None,
    clock: Clock | None = None,
    runner: Runner = thread_runner,
) -> TechnicianFlow:
    """The technician flow wired to the real doctor, log tail, printer and restart.

    Restart = SIGTERM to ourselves: the app exits cleanly and systemd (Restart=always)
    starts it again, which is exactly what a technician wants from "Restart app".
    """
    import os
    import signal

    from kiosk.appliance.logging_setup import RECENT

    def run_doctor() -> Any:
        from kiosk.cli.doctor import diagnose

        return diagnose(config_path)

    def test_print() -> str:
        from devices.printer.coupon import Coupon

        job = printer.submit(
            Coupon(
                title="Test coupon",
                shop_name=settings.device.name,
                description="Printed from the technician screen.",
                redeem_code="TEST-1234",
            )
        )
        return "test coupon printed" if job.state == "printed" else f"test print: {job.reason}"

    return TechnicianFlow(
        settings.technician.pin_sha256,
        TechnicianDeps(
            run_doctor=run_doctor,
            log_tail=lambda: RECENT.tail(12),
            test_print=test_print if printer is not None else None,
            restart=lambda: os.kill(os.getpid(), signal.SIGTERM),
            camera_frame=_camera_frame(scanner),
        ),
        clock=clock,
        runner=runner,
        session_timeout_s=max(60.0, settings.staff.session_timeout_s * 3),
    )


def _camera_frame(scanner: Any) -> Callable[[], Any] | None:
    """ScannerManager's camera worker keeps its newest frame for exactly this preview."""
    if scanner is None or getattr(scanner, "camera", None) is None:
        return None
    return lambda: getattr(scanner.camera, "last_frame", None)
