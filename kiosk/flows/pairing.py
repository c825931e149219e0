"""Pairing by scan: an unpaired kiosk pairs itself when shown the admin's pairing QR.

Why a flow of its own (not a branch of the customer journey): only an UNPAIRED kiosk runs
it. A paired kiosk never builds this flow, so a customer holding a pairing QR to a working
kiosk's camera gets the customer flow's "we can't read this" and nothing else: re-pairing
a paired kiosk is for the technician (`kiosk provision` / technician mode), never a scan.

Plain Python, driven by scan text, touches and ticks; the blocking exchange runs on the
injected runner (a thread in `kiosk run`, inline in tests with a FakeClock).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from kiosk.api import errors
from kiosk.flows.base import Clock, StateMachine, SystemClock, ViewState
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)

Done = Callable[[Any, BaseException | None], None]
MESSAGE_S = 8.0  # a refusal stays this long, then the "show the code" words come back
RESTART_AFTER_S = 4.0  # "paired with X" stays this long before the kiosk restarts


class PairResult(Protocol):
    """What a successful exchange tells (kiosk.appliance.provisioning.ScanPairResult)."""

    @property
    def server_url(self) -> str: ...
    @property
    def location_name(self) -> str: ...


class PairByScan(Protocol):
    """The exchange itself (kiosk.appliance.provisioning.pair_by_scan), wired by `kiosk run`:
    it talks HTTP and writes the token, which a flow never does itself."""

    def __call__(
        self,
        server: str,
        code: str,
        *,
        device_name: str,
        token_path: Path,
        state_dir: Path,
        now: datetime | None = None,
    ) -> PairResult: ...


@runtime_checkable
class Explained(Protocol):
    """A failure that carries a technician's words (kiosk.appliance.provisioning's
    ProvisionError): what happened and what to do. Its __cause__ is the API error."""

    message: str
    fix: str


def failure_detail(exc: BaseException) -> str:
    """English words for the technician line: the reason and, when known, the fix."""
    if isinstance(exc, Explained):
        return f"{exc.message}. Fix: {exc.fix}"
    return f"{type(exc).__name__}: {exc}"


class Phase:
    WAITING = "waiting"
    WORKING = "working"
    FAILED = "failed"
    PAIRED = "paired"


@dataclass(frozen=True)
class PairingState(ViewState):
    screen: str = "pairing"
    lang: str = "en"
    phase: str = Phase.WAITING
    message: str = ""  # i18n key (customer catalog) of the words under the title
    values: tuple[tuple[str, str], ...] = ()
    detail: str = ""  # for the technician (English, small): the reason and the fix

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


def run_in_thread(job: Callable[[], Any], done: Done) -> None:
    """The appliance's runner: the HTTP exchange never blocks the UI loop."""

    def work() -> None:
        try:
            result = job()
        except BaseException as exc:  # handed to done, never lost
            log.debug("job failed; handed to the flow", exc_info=True)
            done(None, exc)
            return
        done(result, None)

    threading.Thread(target=work, name="pair-by-scan", daemon=True).start()


def run_inline(job: Callable[[], Any], done: Done) -> None:
    try:
        result = job()
    except BaseException as exc:  # handed to done, never lost
        log.debug("job failed; handed to the flow", exc_info=True)
        done(None, exc)
        return
    done(result, None)


def message_for(exc: BaseException) -> str:
    """The i18n key for a failed exchange: what the person at the kiosk can do about it."""
    cause = exc.__cause__ if isinstance(exc, Explained) else exc
    if isinstance(cause, errors.PairingCodeInvalid):
        return "pair.invalid"
    if isinstance(cause, errors.PairingCodeExpired):
        return "pair.expired"
    if isinstance(cause, errors.PairingCodeUsed):
        return "pair.used"
    if isinstance(cause, errors.Offline):
        said = str(exc)
        return "pair.clock" if "clock says" in said else "pair.offline"
    return "pair.error"


class PairingFlow(StateMachine[PairingState]):
    """The controller of an unpaired kiosk (the KioskApp drives it like KioskController)."""

    def __init__(
        self,
        settings: Any,
        *,
        clock: Clock | None = None,
        runner: Callable[[Callable[[], Any], Done], None] = run_in_thread,
        classify: Callable[[str, Any], ClassifiedScan] | None = None,
        pair: PairByScan,
        on_restart: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(PairingState(lang=settings.ui.language), clock or SystemClock())
        self.settings = settings
        self._run = runner
        self._classify = classify or _default_classifier()
        self._pair = pair
        self.on_restart = on_restart
        self._mutex = threading.RLock()
        self._since = self.clock.monotonic()
        self._reason = ""
        self.result: PairResult | None = None
        self._last_failed: ClassifiedScan | None = None
        self._current: ClassifiedScan | None = None
        self.restart_requested = False

    # -- what KioskApp and kiosk run expect of a controller ---------------------------------

    staff_active = False
    staff = None

    def on_scan_event(self, event: Any) -> None:
        """ScannerManager's callback (a camera thread)."""
        self.on_scan_text(getattr(event, "text", str(event)))

    def on_scan_text(self, text: str) -> None:
        try:
            scan = self._classify(text, self.settings.scanner)
        except Exception:  # a bad payload is a message, never a crash
            log.exception("classify failed")
            scan = ClassifiedScan(ScanKind.UNKNOWN, reason="classifier error")
        self.route(scan)

    def route(self, scan: ClassifiedScan) -> None:
        with self._mutex:
            if self.state.phase in (Phase.WORKING, Phase.PAIRED):
                return  # one exchange at a time; once paired, nothing more
            if self.state.phase == Phase.FAILED and scan == self._last_failed:
                return  # the same refused QR still held up: no new request per frame
            if scan.kind is not ScanKind.PAIRING:
                self._show(Phase.FAILED, "pair.only_pairing", f"not a pairing code: {scan.kind}")
                return
            if self.settings.server_explicit and scan.server != self.settings.server.url:
                self._show(
                    Phase.FAILED,
                    "pair.wrong_server",
                    f"this code is for {scan.server}, but [server] url in kiosk.toml is "
                    f"{self.settings.server.url}. Fix: pair with 'kiosk provision' or remove "
                    "[server] url from kiosk.toml",
                )
                return
            self._current = scan
            self._show(Phase.WORKING, "pair.working", f"pairing with {scan.server}")
            self._run(lambda: self._exchange(scan), self._answered)

    def _exchange(self, scan: ClassifiedScan) -> PairResult:
        device = self.settings.device
        return self._pair(
            scan.server,
            scan.value,
            device_name=device.name,
            token_path=device.token_path,
            state_dir=device.state_dir,
            now=self.clock.now(),
        )

    def _answered(self, result: PairResult | None, exc: BaseException | None) -> None:
        with self._mutex:
            if exc is not None or result is None:
                detail = failure_detail(exc) if exc is not None else "no answer"
                log.warning("pairing by scan failed: %s", detail)
                self._last_failed = self._current
                self._show(Phase.FAILED, message_for(exc) if exc else "pair.error", detail)
                return
            self.result = result
            log.info(
                "paired by scan with %s (%s); restarting", result.location_name, result.server_url
            )
            self._show(
                Phase.PAIRED,
                "pair.paired",
                f"paired with {result.server_url}; the kiosk restarts to serve customers",
                location=result.location_name or result.server_url,
            )

    def touch(self, action: str, **data: Any) -> None:
        """Touches change nothing here except the language of the words."""
        lang = str(data.get("lang", ""))
        if action == "language" and lang:
            with self._mutex:
                self.publish(_replace(self.state, lang=lang))

    def tick(self) -> None:
        with self._mutex:
            elapsed = self.clock.monotonic() - self._since
            phase = self.state.phase
            if phase == Phase.FAILED and elapsed >= MESSAGE_S:
                self._show(Phase.WAITING, "", self._reason)
            elif (
                phase == Phase.PAIRED and elapsed >= RESTART_AFTER_S and not self.restart_requested
            ):
                self.restart_requested = True
                if self.on_restart is not None:
                    self.on_restart()

    def out_of_service(self, reason: str) -> None:
        """Why the kiosk is not serving (e.g. NotPaired), kept for the technician line."""
        with self._mutex:
            self._reason = reason
            if self.state.phase == Phase.WAITING:
                self._show(Phase.WAITING, "", reason)

    def shutdown(self) -> None:
        pass

    # -- helpers ---------------------------------------------------------------------------

    def _show(self, phase: str, message: str, detail: str, **values: str) -> None:
        self._since = self.clock.monotonic()
        self.publish(
            PairingState(
                lang=self.state.lang,
                phase=phase,
                message=message,
                values=tuple(values.items()),
                detail=detail[:400],
            )
        )


def _replace(state: PairingState, **kw: Any) -> PairingState:
    from dataclasses import replace

    return replace(state, **kw)


def _default_classifier() -> Callable[[str, Any], ClassifiedScan]:
    from kiosk.flows.controller import load_classifier

    return load_classifier()
