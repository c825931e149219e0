"""The technician flow: hidden entry + technician PIN, then the kiosk's health on screen.

A pure flow on kiosk/flows/runtime; the Kivy screens (kiosk/ui/screens/technician*.py)
render `TechnicianView`. What it asks of the world (the doctor, the log tail, the printer,
the re-pairer, a restart) are the effects in effects.py, carried out in
kiosk/cli/_technician_parts.py, so this layer imports no CLI, no HTTP and no Kivy.
Entry: the staff menu's "Diagnostics"; the technician then types the technician PIN
([technician] pin_sha256; empty disables it). Three wrong PINs lock the pad for LOCKOUT_S;
closing and reopening the screen does not end the lock.

What the home page shows: every `kiosk doctor` check with its colour and fix, the version,
the last log lines, the last scan read while the screen is open (a live decode check, value
masked), and buttons for refresh, test print, restart app and "Pair with another shop".

Re-pairing (pages repair_*): blocked while this shop's stamps wait in the outbox (with
"Send now"), else an explicit confirm, then it waits for the new shop's pairing QR (cancel,
timeout), exchanges it through the Repairer (kiosk.appliance.repair, the same pair_by_scan as
first pairing; nothing is written until the server accepted), shows "paired with <shop>"
and restarts the kiosk like first pairing does. Why and what is refused: repair.py.
While it waits, every other scan (a customer's card) is shown as ignored and does nothing.
The re-pair pages speak the staff screens' language (OpenScreen.lang); the doctor lines stay
in `kiosk doctor`'s English words.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import cast

from kiosk.flows.base import ViewState
from kiosk.flows.pairing import PairResult
from kiosk.flows.runtime import (
    Answered,
    CloseMode,
    Entered,
    Event,
    Intent,
    Now,
    Scanned,
    Step,
    Ticked,
)
from kiosk.flows.technician import effects as fx
from kiosk.flows.technician import intents as i
from kiosk.flows.technician import model as m
from kiosk.flows.technician.model import (
    SCREEN,
    CheckLine,
    Frame,
    Page,
    TechnicianModel,
    TechnicianView,
)
from kiosk.flows.technician.words import failure_words
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)

Out = Step[TechnicianModel]
UNCLOSABLE = (Page.REPAIR_WORKING, Page.REPAIR_PAIRED)  # a code on its way, or the restart
CONFIRMABLE = (Page.REPAIR_CONFIRM, Page.REPAIR_FAILED)  # "yes" or "scan again"
CANCELLABLE = (Page.REPAIR_BLOCKED, Page.REPAIR_CONFIRM, Page.REPAIR_WAIT, Page.REPAIR_FAILED)


@dataclass(frozen=True)
class TechnicianSettings:
    """Constants: the PIN's hash, the idle session, and which buttons are wired at all."""

    pin_sha256: str = ""
    session_timeout_s: float = 300.0
    can_test_print: bool = False
    can_restart: bool = False
    can_repair: bool = False  # a re-pairer is wired: "Pair with another shop"
    camera: Frame | None = None  # the preview until CameraReady says otherwise
    # asked at each opening when `camera` is None: the scanner (and so whether there is a
    # camera at all) starts after the first frame, long after this mode was wired
    camera_source: Callable[[], Frame | None] | None = None


class TechnicianFlow:
    """The technician mode: `step` picks the handler by event type, then by page."""

    name = "technician"

    def __init__(self, settings: TechnicianSettings) -> None:
        self.settings = settings
        self.pin_sha256 = settings.pin_sha256.strip().lower()

    def start(self, reason: Event | None, now: Now, last: TechnicianModel | None = None) -> Out:
        """Closed until Entered(OpenScreen) says in which language; a lockout (`failures`,
        `locked_until`) outlives closing the screen, so it comes from `last`."""
        camera = self.settings.camera
        if camera is None and self.settings.camera_source is not None:
            camera = self.settings.camera_source()
        model = TechnicianModel(camera=camera)
        if last is not None:
            model = replace(model, failures=last.failures, locked_until=last.locked_until)
        return Step(model)

    def view(self, model: TechnicianModel) -> ViewState:
        return model.view

    def epoch(self, model: TechnicianModel) -> int:
        return model.epoch

    def step(self, model: TechnicianModel, event: Event, now: Now) -> Out:
        match event:
            case i.OpenScreen(lang, factor) | Entered(reason=i.OpenScreen(lang, factor)):
                return self._open(replace(model, timeout_factor=max(1.0, factor)), lang, now)
            case i.CameraReady(frame):
                return Step(replace(model, camera=frame))
            case Scanned(scan) if model.page is not Page.CLOSED:
                return self._scanned(model, scan, now)
            case Ticked() if model.page is not Page.CLOSED:
                return self._ticked(model, now)
            case Answered() if model.page is not Page.CLOSED:
                return self._answered(model, event, now)
            case Intent() if model.page is not Page.CLOSED:
                return self._touched(replace(model, last_touch=now.mono), event, now)
            case _:
                return Step(model)

    # -- open, close, the PIN -------------------------------------------------------------

    def _open(self, model: TechnicianModel, lang: str, now: Now) -> Out:
        locked = now.mono < model.locked_until
        view = TechnicianView(SCREEN, page=Page.LOCKED if locked else Page.PIN, lang=lang)
        return Step(replace(model, view=view, pin="", last_touch=now.mono))

    def _touched(self, model: TechnicianModel, intent: Intent, now: Now) -> Out:
        page = model.page
        match intent:
            case i.CloseScreen():
                return _closed(model)
            case i.PinDigit(digit) if page is Page.PIN:
                return Step(_digit(model, digit))
            case i.PinClear() if page is Page.PIN:
                return Step(replace(model, pin="", view=replace(model.view, pin_length=0)))
            case i.PinEnter() if page is Page.PIN:
                return self._enter(model, now)
            case _ if page is Page.HOME:
                return self._home_touched(model, intent)
            case i.SendNow() if page is Page.REPAIR_BLOCKED and not model.view.busy:
                return Step(replace(model, view=replace(model.view, busy=True)), (fx.SyncNow(),))
            case i.ConfirmRepair() | i.RetryRepair() if page in CONFIRMABLE:
                return Step(model, (fx.CheckOutbox(then_wait=True),))  # the count again first
            case i.CancelRepair() if page in CANCELLABLE:
                log.info("re-pairing cancelled by the technician; nothing changed")
                return self._home(_next_epoch(model), note="tech.repair.cancelled")
            case _:
                return Step(model)

    def _enter(self, model: TechnicianModel, now: Now) -> Out:
        typed = hashlib.sha256(model.pin.encode()).hexdigest()
        model = replace(model, pin="")
        lang = model.view.lang
        if hmac.compare_digest(typed, self.pin_sha256):
            return self._home(replace(model, failures=0))
        failures = model.failures + 1
        log.warning("technician PIN wrong (%d of %d)", failures, m.MAX_FAILURES)
        if failures >= m.MAX_FAILURES:
            locked = TechnicianView(SCREEN, page=Page.LOCKED, lang=lang)
            until = now.mono + m.LOCKOUT_S
            return Step(replace(model, failures=0, locked_until=until, view=locked))
        wrong = TechnicianView(SCREEN, page=Page.PIN, error="wrong PIN", lang=lang)
        return Step(replace(model, failures=failures, view=wrong))

    # -- home -----------------------------------------------------------------------------

    def _home(self, model: TechnicianModel, note: str = "") -> Out:
        """A fresh home page, the doctor running at once."""
        s = self.settings
        view = TechnicianView(
            SCREEN,
            page=Page.HOME,
            preview=model.camera,
            lang=model.view.lang,
            can_repair=s.can_repair,
            note=note,
            running=True,
            message="checking…",
        )
        return Step(replace(model, view=view), (fx.TailLogs(), fx.RunDoctor()))

    def _home_touched(self, model: TechnicianModel, intent: Intent) -> Out:
        s, view = self.settings, model.view
        match intent:
            case i.RunChecks() if not view.running:
                checking = replace(view, running=True, message="checking…")
                return Step(replace(model, view=checking), (fx.RunDoctor(),))
            case i.PrintTest() if s.can_test_print:
                printing = replace(view, message="printing a test coupon…")
                return Step(replace(model, view=printing), (fx.TestPrint(),))
            case i.RestartApp() if s.can_restart:
                log.warning("restart requested from the technician screen")
                return Step(model, (fx.RestartKiosk(),))
            case i.StartRepair() if s.can_repair:
                return Step(_next_epoch(model), (fx.CheckOutbox(),))  # a doctor's answer is dropped
            case _:
                return Step(model)

    # -- scans and ticks ------------------------------------------------------------------

    def _scanned(self, model: TechnicianModel, scan: ClassifiedScan, now: Now) -> Out:
        """While open, every scan is a decode test: shown masked, never acted on; only the
        re-pair page waiting for a code takes a pairing QR."""
        shown = f"{scan.kind.value}: {m.mask(scan.value)}"
        if model.page is Page.REPAIR_WAIT:
            if scan.kind is ScanKind.PAIRING:
                return Step(model, (fx.Preflight(scan),))
            kept = tuple(kv for kv in model.view.values if kv[0] != "ignored")
            ignored = replace(model.view, last_scan=shown, values=(*kept, ("ignored", shown)))
            return Step(replace(model, view=ignored))
        if model.page in m.REPAIR_PAGES:
            return Step(model)  # working, result or confirm: a scan changes nothing
        seen = replace(model.view, last_scan=shown)
        return Step(replace(model, view=seen, last_touch=now.mono))

    def _ticked(self, model: TechnicianModel, now: Now) -> Out:
        page = model.page
        if page is Page.REPAIR_WAIT:
            return self._wait_tick(model, now)
        if page is Page.REPAIR_PAIRED:
            return _restart_tick(model, now)
        if page is Page.REPAIR_WORKING:
            return Step(model)  # the exchange has its own timeouts; its answer moves the page
        if now.mono - model.last_touch > self.settings.session_timeout_s * model.timeout_factor:
            return _closed(model)
        if page is Page.LOCKED and now.mono >= model.locked_until:
            return Step(replace(model, view=TechnicianView(SCREEN, Page.PIN, lang=model.view.lang)))
        return Step(model)

    def _wait_tick(self, model: TechnicianModel, now: Now) -> Out:
        left = max(0, int(model.wait_until - now.mono + 0.999))
        if left == 0:
            log.info(
                "re-pairing: no pairing code scanned in %.0f s; nothing changed", m.REPAIR_WAIT_S
            )
            return self._home(model, note="tech.repair.timeout")
        if left != model.view.wait_left_s:
            return Step(replace(model, view=replace(model.view, wait_left_s=left)))
        return Step(model)

    # -- answers --------------------------------------------------------------------------

    def _answered(self, model: TechnicianModel, answer: Answered, now: Now) -> Out:
        page, error = model.page, answer.error
        match answer.effect:
            case fx.RunDoctor() if page is Page.HOME:
                return Step(*_doctor_done(model, answer))
            case fx.TailLogs() if page is Page.HOME and error is None:
                lines = tuple(str(x) for x in cast(Sequence[object], answer.result))
                return Step(replace(model, view=replace(model.view, log_lines=lines)))
            case fx.TestPrint() if page is Page.HOME:
                said = f"test print failed: {error}" if error else str(answer.result)
                return Step(replace(model, view=replace(model.view, message=said)))
            case fx.CheckOutbox() as gate if page is Page.HOME or page in m.REPAIR_PAGES:
                return Step(_gate(model, gate, answer, now))
            case fx.SyncNow() if page is Page.REPAIR_BLOCKED:
                return Step(model, (fx.CheckOutbox(detail=_sent(answer)),))
            case fx.Preflight(scan=scan) if page is Page.REPAIR_WAIT:
                return _preflight_done(model, scan, answer, now)
            case fx.RepairExchange() if page is Page.REPAIR_WORKING:
                return Step(_exchanged(model, answer, now))
            case _:
                return Step(model)


def _next_epoch(model: TechnicianModel) -> TechnicianModel:
    """Answers to what was asked before (a running doctor, a "Send now") must not arrive."""
    return replace(model, epoch=model.epoch + 1)


def _closed(model: TechnicianModel) -> Out:
    """The screen closes, and the mode with it (the one below shows again)."""
    if model.page in UNCLOSABLE:
        return Step(model)  # never half-closed
    closed = TechnicianView(SCREEN, lang=model.view.lang)
    return Step(replace(_next_epoch(model), pin="", view=closed), (CloseMode(),))


def _digit(model: TechnicianModel, digit: str) -> TechnicianModel:
    if not digit.isdigit() or len(model.pin) >= m.MAX_PIN:
        return model
    pin = model.pin + digit[:1]
    return replace(model, pin=pin, view=replace(model.view, pin_length=len(pin), error=""))


def _doctor_done(model: TechnicianModel, answer: Answered) -> Out:
    if answer.error is not None:
        failed = replace(model.view, running=False, message=f"doctor failed: {answer.error}")
        return Step(replace(model, view=failed))
    report = cast(fx.DoctorReport, answer.result)
    lines = tuple(CheckLine(c.name, c.status, c.message, c.fix) for c in report.checks)
    done = replace(model.view, running=False, checks=lines, message="")
    return Step(replace(model, view=done), (fx.TailLogs(),))


def _repair_page(
    model: TechnicianModel, page: Page, note: str, detail: str, **values: str
) -> TechnicianModel:
    waiting = page is Page.REPAIR_WAIT
    view = replace(
        model.view,
        page=page,
        note=note,
        values=tuple(values.items()),
        detail=detail[:400],
        busy=False,
        running=False,
        wait_left_s=int(m.REPAIR_WAIT_S * model.timeout_factor) if waiting else 0,
        # the live camera to aim the QR with (the camera starts after the first frame)
        preview=model.camera if waiting else model.view.preview,
    )
    return replace(model, view=view)


def _gate(
    model: TechnicianModel, gate: fx.CheckOutbox, answer: Answered, now: Now
) -> TechnicianModel:
    """The outbox gate's answer: blocked while stamps wait, else the confirm or the wait."""
    if answer.error is not None:
        detail = str(answer.error)
        return _repair_page(model, Page.REPAIR_BLOCKED, "tech.repair.outbox_unreadable", detail)
    found = cast(fx.OutboxGate, answer.result)
    if found.waiting:
        count = str(found.waiting)
        return _repair_page(
            model, Page.REPAIR_BLOCKED, "tech.repair.blocked", gate.detail, count=count
        )
    if gate.then_wait:
        waiting = replace(model, wait_until=now.mono + m.REPAIR_WAIT_S * model.timeout_factor)
        return _repair_page(waiting, Page.REPAIR_WAIT, "tech.repair.wait", "", shop=found.shop)
    return _repair_page(
        model, Page.REPAIR_CONFIRM, "tech.repair.confirm", gate.detail, shop=found.shop
    )


def _sent(answer: Answered) -> str:
    """What "Send now" achieved, for the page the gate shows next."""
    if answer.error is not None:
        return f"sending failed: {answer.error}"
    report = cast(fx.SyncReport, answer.result)
    said = f"{report.sent} sent, {report.remaining} still waiting"
    return said + (f" ({report.error})" if report.error else "")


def _preflight_done(
    model: TechnicianModel, scan: ClassifiedScan, answer: Answered, now: Now
) -> Out:
    if answer.error is not None:
        key, detail = failure_words(answer.error)
        return Step(_repair_page(model, Page.REPAIR_FAILED, key, detail))
    refusal = cast(fx.Refusal | None, answer.result)
    if refusal is not None:
        log.warning("re-pairing refused before the exchange: %s", refusal.detail)
        blocked = refusal.message == "tech.repair.blocked"
        page = Page.REPAIR_BLOCKED if blocked else Page.REPAIR_FAILED
        return Step(_repair_page(model, page, refusal.message, refusal.detail, **refusal.values))
    log.info("re-pairing: exchanging a pairing code with %s", scan.server)
    detail = f"pairing with {scan.server}"
    working = _repair_page(model, Page.REPAIR_WORKING, "tech.repair.working", detail)
    return Step(working, (fx.RepairExchange(scan, now.wall),))


def _exchanged(model: TechnicianModel, answer: Answered, now: Now) -> TechnicianModel:
    if answer.error is not None:
        key, detail = failure_words(answer.error)
        log.warning("re-pairing failed, the old pairing stays: %s", detail)
        return _repair_page(model, Page.REPAIR_FAILED, key, detail)
    result = cast(PairResult, answer.result)
    server = result.server_url
    shop = result.location_name or server
    log.warning("re-paired by the technician with %s (%s); restarting", shop, server)
    detail = f"paired with {server}; the kiosk restarts"
    paired = replace(model, paired_at=now.mono)
    return _repair_page(paired, Page.REPAIR_PAIRED, "tech.repair.paired", detail, shop=shop)


def _restart_tick(model: TechnicianModel, now: Now) -> Out:
    if now.mono - model.paired_at >= m.RESTART_AFTER_S and not model.restart_requested:
        return Step(replace(model, restart_requested=True), (fx.RestartKiosk(after_pairing=True),))
    return Step(model)
