"""The technician flow: hidden entry + technician PIN, then the kiosk's health on screen.

Plain Python driven by an injected clock (like every flow); the Kivy screen
(kiosk/ui/screens/technician.py) only renders `TechnicianView` and sends touches back.
What it calls out to (the doctor, the log tail, the printer, the re-pairer, a restart)
is behind the Protocols below and wired in kiosk/cli/_technician_parts.py, so this layer
imports no CLI, no HTTP and no Kivy.
Entry: the staff menu's "Diagnostics" (StaffFlow(open_diagnostics=tech.open)); the
technician then types the technician PIN ([technician] pin_sha256; empty disables it).

`WithTechnician(staff, tech)` presents both flows to KioskController as its one
`staff_flow`, so the technician screen plugs in without changing the controller: while
the technician flow is active it gets the state, touches, scans and ticks.

What the home page shows: every `kiosk doctor` check with its colour and fix (camera,
decoder, printer, network/server, clock, outbox, ...), the version, the last log lines,
the last scan read while the screen is open (a live decode check, value masked), and
buttons for refresh, test print, restart app and "Pair with another shop".

Re-pairing (pages repair_*): blocked while this shop's stamps wait in the outbox (with
"Send now"), else an explicit confirm, then it waits for the new shop's pairing QR (cancel,
timeout), exchanges it through the Repairer (kiosk.appliance.repair, the same pair_by_scan as
first pairing; nothing is written until the server accepted), shows "paired with <shop>"
and restarts the kiosk like first pairing does. Why and what is refused: repair.py.
While it waits, every other scan (a customer's card) is shown as ignored and does nothing.
The re-pair pages speak the staff screens' language (`lang_source`): a shop owner may be
holding the new code while a technician talks them through it; the doctor lines stay in
`kiosk doctor`'s English words.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from kiosk import __version__
from kiosk.flows.base import Clock, StateMachine, SystemClock, ViewState
from kiosk.flows.pairing import Explained, PairResult, failure_detail, message_for
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)

SCREEN = "technician"
MAX_PIN = 12
MAX_FAILURES = 3
LOCKOUT_S = 120.0
REPAIR_WAIT_S = 90.0  # waiting for the new shop's QR ends by itself after this
RESTART_AFTER_S = 4.0  # "paired with X" stays this long, then the restart (as first pairing)
REPAIR_PAGES = (
    "repair_blocked",
    "repair_confirm",
    "repair_wait",
    "repair_working",
    "repair_failed",
    "repair_paired",
)


@dataclass(frozen=True)
class CheckLine:
    name: str
    status: str  # green / yellow / red
    message: str
    fix: str = ""


@dataclass(frozen=True)
class TechnicianView(ViewState):
    page: str = "closed"  # closed / pin / locked / home / repair_* (REPAIR_PAGES)
    pin_length: int = 0
    error: str = ""
    checks: tuple[CheckLine, ...] = ()
    running: bool = False
    version: str = __version__
    log_lines: tuple[str, ...] = ()
    last_scan: str = ""
    message: str = ""
    lang: str = "en"
    # re-pairing: available at all; the page's words (i18n key in the technician catalog,
    # its values), English detail for the technician, seconds left to scan, a job running
    can_repair: bool = False
    note: str = ""
    values: tuple[tuple[str, str], ...] = ()
    detail: str = ""
    wait_left_s: int = 0
    busy: bool = False
    # a handle to the live camera image (latest frame, BGR numpy array or None), not data:
    # the screen polls it a few times a second while open; excluded from equality
    preview: Callable[[], Any] | None = field(default=None, compare=False, repr=False)

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


Runner = Callable[[Callable[[], Any], Callable[[Any], None]], None]


def _inline(job: Callable[[], Any], done: Callable[[Any], None]) -> None:
    done(job())


def mask(value: str) -> str:
    """Enough of a payload to recognise it, never enough to reuse it."""
    return value if len(value) <= 4 else value[:4] + "…" + f" ({len(value)} chars)"


class DoctorCheck(Protocol):
    """One line of `kiosk doctor` (kiosk.appliance.doctor.base.CheckResult)."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def fix(self) -> str: ...


class DoctorReport(Protocol):
    @property
    def checks(self) -> Sequence[DoctorCheck]: ...


class Refusal(Protocol):
    """Why re-pairing cannot start (kiosk.appliance.repair.Refusal)."""

    @property
    def message(self) -> str: ...  # i18n key, technician catalog
    @property
    def detail(self) -> str: ...  # English, for the technician
    @property
    def values(self) -> Mapping[str, str]: ...


class SyncReport(Protocol):
    """What "Send now" achieved (kiosk.appliance.repair.SyncReport)."""

    @property
    def sent(self) -> int: ...
    @property
    def remaining(self) -> int: ...
    @property
    def error(self) -> str | None: ...


class Repairer(Protocol):
    """Checks and exchange of re-pairing (kiosk.appliance.repair.RePairer)."""

    def pending_stamps(self) -> int: ...
    def sync_now(self) -> SyncReport: ...
    def preflight(self, scan: ClassifiedScan) -> Refusal | None: ...
    def exchange(self, scan: ClassifiedScan, now: datetime | None = None) -> PairResult: ...
    def current_shop(self) -> str: ...


def _no_log_lines() -> list[str]:
    return []


@dataclass
class TechnicianDeps:
    """What the flow calls out to; all injected so tests use the real thing or a stand-in."""

    run_doctor: Callable[[], DoctorReport]
    log_tail: Callable[[], list[str]] = _no_log_lines
    test_print: Callable[[], str] | None = None  # -> a sentence for the technician
    restart: Callable[[], None] | None = None
    camera_frame: Callable[[], Any] | None = None  # -> newest camera frame (BGR array) or None
    repairer: Repairer | None = None  # None: no "Pair with another shop"
    restart_after_pairing: Callable[[], None] | None = None  # default: restart


class TechnicianFlow(StateMachine[TechnicianView]):
    def __init__(
        self,
        pin_sha256: str,
        deps: TechnicianDeps,
        *,
        clock: Clock | None = None,
        runner: Runner = _inline,
        session_timeout_s: float = 300.0,
        lang_source: Callable[[], str] | None = None,
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
        self.lang_source = lang_source
        self._mutex = threading.RLock()  # scans (camera thread), touches, job answers
        self._wait_until = 0.0
        self._paired_at = 0.0
        self.restart_requested = False
        self.result: Any = None  # the ScanPairResult of a re-pairing

    @property
    def _repairer(self) -> Repairer:
        """Reached only from the repair pages, which open only when a repairer is wired."""
        if self.deps.repairer is None:
            raise RuntimeError("re-pairing without a repairer")
        return self.deps.repairer

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
        with self._mutex:
            self._pin = ""
            self._last_touch = self.clock.monotonic()
            locked = self.clock.monotonic() < self._locked_until
            page = "locked" if locked else "pin"
            self.publish(TechnicianView(SCREEN, page=page, lang=self._lang()))
        return True

    def close(self) -> None:
        with self._mutex:
            if self.state.page in ("repair_working", "repair_paired"):
                return  # a code on its way, or the restart: never half-closed
            self._pin = ""
            self._generation += 1  # answers of a running doctor are dropped
            self.publish(TechnicianView(SCREEN, lang=self.state.lang))

    def on_scan(self, scan: Any) -> bool:
        """While open, every scan is a decode test: shown masked, never acted on; only the
        re-pair page waiting for a code takes a pairing QR."""
        if not self.active:
            return False
        kind = getattr(getattr(scan, "kind", None), "value", "scan")
        text = mask(str(getattr(scan, "value", "") or getattr(scan, "text", "")))
        with self._mutex:
            if self.state.page == "repair_wait":
                self._repair_scan(scan, f"{kind}: {text}")
                return True
            if self.state.page in REPAIR_PAGES:
                return True  # working, result or confirm: a scan changes nothing
            self._last_touch = self.clock.monotonic()
            self.publish(replace(self.state, last_scan=f"{kind}: {text}"))
        return True

    def touch(self, action: str, **data: Any) -> None:
        if not self.active:
            return
        with self._mutex:
            self._last_touch = self.clock.monotonic()
            handler = getattr(self, "_on_" + action.removeprefix("tech_"), None)
            if handler is not None:
                handler(**data)

    def tick(self) -> None:
        if not self.active:
            return
        with self._mutex:
            now = self.clock.monotonic()
            page = self.state.page
            if page == "repair_wait":
                self._wait_tick(now)
            elif page == "repair_paired":
                self._restart_tick(now)
            elif page == "repair_working":
                pass  # the exchange has its own timeouts; its answer moves the page
            elif now - self._last_touch > self.session_timeout_s:
                self.close()
            elif page == "locked" and now >= self._locked_until:
                self.publish(TechnicianView(SCREEN, page="pin", lang=self.state.lang))

    def _lang(self) -> str:
        try:
            return (self.lang_source() if self.lang_source else "") or "en"
        except Exception:  # the language is a nicety: English when unknown
            log.debug("language source failed", exc_info=True)
            return "en"

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
            self.publish(TechnicianView(SCREEN, page="locked", lang=self.state.lang))
        else:
            self.publish(
                TechnicianView(SCREEN, page="pin", error="wrong PIN", lang=self.state.lang)
            )

    def _on_close(self, **_: Any) -> None:
        self.close()

    # -- home ----------------------------------------------------------------------------------

    def _show_home(self, note: str = "", detail: str = "") -> None:
        self.publish(
            TechnicianView(
                SCREEN,
                page="home",
                log_lines=self._logs(),
                preview=self.deps.camera_frame,
                lang=self.state.lang,
                can_repair=self.deps.repairer is not None,
                note=note,
                detail=detail,
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
            with self._mutex:
                if gen != self._generation or self.state.page != "home":
                    return  # closed, refreshed or re-pairing meanwhile
                if isinstance(report, Exception):
                    failed = f"doctor failed: {report}"
                    self.publish(replace(self.state, running=False, message=failed))
                    return
                lines = tuple(CheckLine(c.name, c.status, c.message, c.fix) for c in report.checks)
                self.publish(
                    replace(
                        self.state, running=False, checks=lines, message="", log_lines=self._logs()
                    )
                )

        self.runner(self._safe(self.deps.run_doctor), done)

    def _on_test_print(self, **_: Any) -> None:
        if self.state.page != "home" or self.deps.test_print is None:
            return
        self.publish(replace(self.state, message="printing a test coupon…"))

        def done(result: Any) -> None:
            with self._mutex:
                if self.state.page == "home":
                    failed = isinstance(result, Exception)
                    text = f"test print failed: {result}" if failed else result
                    self.publish(replace(self.state, message=str(text)))

        self.runner(self._safe(self.deps.test_print), done)

    def _on_restart(self, **_: Any) -> None:
        if self.state.page == "home" and self.deps.restart is not None:
            log.warning("restart requested from the technician screen")
            self.deps.restart()

    # -- re-pairing (the checks and the exchange: kiosk/appliance/repair.py) -----------------

    def _on_repair(self, **_: Any) -> None:
        """ "Pair with another shop" on the home page: the outbox gate, then the confirm."""
        if self.state.page == "home" and self.deps.repairer is not None:
            self._generation += 1  # a running doctor's answer is dropped
            self._repair_gate()

    def _repair_gate(self, detail: str = "") -> None:
        try:
            waiting = self._repairer.pending_stamps()
        except OSError as exc:
            self._repair_page("repair_blocked", "tech.repair.outbox_unreadable", str(exc))
            return
        if waiting:
            self._repair_page("repair_blocked", "tech.repair.blocked", detail, count=str(waiting))
            return
        self._repair_page("repair_confirm", "tech.repair.confirm", detail, shop=self._shop())

    def _on_repair_sync(self, **_: Any) -> None:
        """ "Send now" on the blocked page: the old shop's stamps, with the old token."""
        if self.state.page != "repair_blocked" or self.state.busy:
            return
        self._generation += 1
        gen = self._generation
        self.publish(replace(self.state, busy=True))

        def done(report: Any) -> None:
            with self._mutex:
                if gen != self._generation or self.state.page != "repair_blocked":
                    return
                if isinstance(report, Exception):
                    self._repair_gate(f"sending failed: {report}")
                    return
                said = f"{report.sent} sent, {report.remaining} still waiting"
                self._repair_gate(said + (f" ({report.error})" if report.error else ""))

        self.runner(self._safe(self._repairer.sync_now), done)

    def _on_repair_confirm(self, **_: Any) -> None:
        """The explicit yes: only now does the kiosk wait for the new shop's code."""
        if self.state.page not in ("repair_confirm", "repair_failed"):
            return
        self._repair_gate()  # the count again: nothing may have come in meanwhile
        if self.state.page != "repair_confirm":
            return
        self._wait_until = self.clock.monotonic() + REPAIR_WAIT_S
        self._repair_page("repair_wait", "tech.repair.wait", "", shop=self._shop())

    def _repair_page(self, page: str, note: str, detail: str, **values: str) -> None:
        waiting = page == "repair_wait"
        self.publish(
            replace(
                self.state,
                page=page,
                note=note,
                values=tuple(values.items()),
                detail=detail[:400],
                busy=False,
                running=False,
                wait_left_s=int(REPAIR_WAIT_S) if waiting else 0,
                # the live camera to aim the QR with (the camera starts after the first frame)
                preview=self.deps.camera_frame if waiting else self.state.preview,
            )
        )

    _on_repair_retry = _on_repair_confirm  # "Scan again" after a refused code

    def _on_repair_cancel(self, **_: Any) -> None:
        if self.state.page in ("repair_blocked", "repair_confirm", "repair_wait", "repair_failed"):
            self._generation += 1  # a running "Send now" answer is dropped
            log.info("re-pairing cancelled by the technician; nothing changed")
            self._show_home("tech.repair.cancelled")

    def _wait_tick(self, now: float) -> None:
        left = max(0, int(self._wait_until - now + 0.999))
        if left == 0:
            log.info(
                "re-pairing: no pairing code scanned in %.0f s; nothing changed", REPAIR_WAIT_S
            )
            self._show_home("tech.repair.timeout")
        elif left != self.state.wait_left_s:
            self.publish(replace(self.state, wait_left_s=left))

    def _repair_scan(self, scan: Any, shown: str) -> None:
        """A scan while waiting: a pairing QR starts the exchange, anything else (a
        customer's card) is shown as ignored and does nothing."""
        if getattr(scan, "kind", None) is not ScanKind.PAIRING:
            values = tuple(kv for kv in self.state.values if kv[0] != "ignored")
            self.publish(replace(self.state, last_scan=shown, values=(*values, ("ignored", shown))))
            return
        refusal = self._repairer.preflight(scan)
        if refusal is not None:
            log.warning("re-pairing refused before the exchange: %s", refusal.detail)
            page = "repair_blocked" if refusal.message == "tech.repair.blocked" else "repair_failed"
            self._repair_page(page, refusal.message, refusal.detail, **refusal.values)
            return
        log.info("re-pairing: exchanging a pairing code with %s", scan.server)
        self._repair_page("repair_working", "tech.repair.working", f"pairing with {scan.server}")
        self._generation += 1
        gen = self._generation
        job = self._safe(lambda: self._repairer.exchange(scan, self.clock.now()))
        self.runner(job, lambda result: self._exchanged(gen, result))

    def _exchanged(self, gen: int, result: Any) -> None:
        with self._mutex:
            if gen != self._generation or self.state.page != "repair_working":
                return
            if isinstance(result, Exception):
                key, detail = _failure(result)
                log.warning("re-pairing failed, the old pairing stays: %s", detail)
                self._repair_page("repair_failed", key, detail)
                return
            self.result = result
            shop = result.location_name or result.server_url
            log.warning(
                "re-paired by the technician with %s (%s); restarting", shop, result.server_url
            )
            self._paired_at = self.clock.monotonic()
            self._repair_page(
                "repair_paired",
                "tech.repair.paired",
                f"paired with {result.server_url}; the kiosk restarts",
                shop=shop,
            )

    def _restart_tick(self, now: float) -> None:
        if now - self._paired_at >= RESTART_AFTER_S and not self.restart_requested:
            self.restart_requested = True
            restart = self.deps.restart_after_pairing or self.deps.restart
            if restart is not None:
                restart()

    def _shop(self) -> str:
        try:
            return str(self._repairer.current_shop())
        except Exception:  # a label, never a failure
            log.debug("current shop unknown", exc_info=True)
            return "?"

    def _logs(self) -> tuple[str, ...]:
        try:
            return tuple(self.deps.log_tail())
        except Exception:  # the log panel is a convenience, never a failure
            log.debug("log tail failed", exc_info=True)
            return ()

    @staticmethod
    def _safe(job: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            try:
                return job()
            except Exception as exc:  # shown as a message, never a crash of the UI
                log.warning("technician job failed", exc_info=True)
                return exc

        return run


def _failure(exc: BaseException) -> tuple[str, str]:
    """(i18n key, English detail) for a failed exchange; the words of first pairing."""
    if isinstance(exc, Explained):
        return "tech.repair." + message_for(exc).removeprefix("pair."), failure_detail(exc)
    if isinstance(exc, OSError):
        return "tech.repair.write_failed", f"{type(exc).__name__}: {exc}"
    return "tech.repair.error", f"{type(exc).__name__}: {exc}"


class WithTechnician:
    """The staff flow and the technician flow as one `staff_flow` for KioskController."""

    def __init__(self, staff: Any, tech: TechnicianFlow) -> None:
        self.staff = staff
        self.tech = tech
        if tech.lang_source is None and staff is not None:
            # the technician pages speak the language the staff screens speak
            tech.lang_source = lambda: getattr(getattr(staff, "state", None), "lang", "")

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
