"""The technician mode (kiosk/flows/technician/) wired to the real doctor, log tail,
printer, camera, re-pairer and restart: the handlers of its effects.

Why here and not next to the flow: the doctor is a CLI command (kiosk.cli.doctor) and
the restart after re-pairing stops the running Kivy app; the flows layer may import
neither, the composition root may.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from kiosk.cli._kiosk_parts import Mode
from kiosk.flows.pairing import Outcome, PairResult
from kiosk.flows.runtime import Handlers
from kiosk.flows.technician import TechnicianFlow, TechnicianSettings
from kiosk.flows.technician import effects as fx
from kiosk.scan_kinds import ClassifiedScan

log = logging.getLogger(__name__)


class Repairer(Protocol):
    """Checks and exchange of re-pairing (kiosk.appliance.repair.RePairer)."""

    def pending_stamps(self) -> int: ...
    def sync_now(self) -> fx.SyncReport: ...
    def preflight(self, scan: ClassifiedScan) -> fx.Refusal | None: ...
    def exchange(self, scan: ClassifiedScan, now: datetime | None = None) -> PairResult: ...
    def current_shop(self) -> str: ...


def _no_log_lines() -> list[str]:
    return []


@dataclass
class TechnicianDeps:
    """What the handlers call; read at call time, so a test (or start()) may swap one."""

    run_doctor: Callable[[], fx.DoctorReport]
    log_tail: Callable[[], list[str]] = _no_log_lines
    test_print: Callable[[], str] | None = None  # -> a sentence for the technician
    restart: Callable[[], None] | None = None
    camera_frame: Callable[[], Any] | None = None  # -> newest camera frame (BGR array) or None
    repairer: Repairer | None = None  # None: no "Pair with another shop"
    restart_after_pairing: Callable[[], None] | None = None  # default: restart


def technician_handlers(deps: TechnicianDeps, outcome: Outcome) -> Handlers:
    """Every technician effect to the deps that carry it out (see effects.py for each)."""

    def repairer() -> Repairer:
        if deps.repairer is None:  # the flow offers re-pairing only with a repairer
            raise RuntimeError("re-pairing without a repairer")
        return deps.repairer

    def test_print(_e: fx.TestPrint) -> str:
        if deps.test_print is None:
            raise RuntimeError("no printer")
        return deps.test_print()

    def restart(effect: fx.RestartKiosk) -> None:
        if effect.after_pairing:
            outcome.restart_requested = True
        chosen = deps.restart_after_pairing if effect.after_pairing else None
        chosen = chosen or deps.restart
        if chosen is not None:
            chosen()

    def gate(effect: fx.CheckOutbox) -> fx.OutboxGate:
        waiting = repairer().pending_stamps()  # OSError: the page says "unreadable"
        try:
            shop = str(repairer().current_shop())
        except Exception:  # a label, never a failure
            log.debug("current shop unknown", exc_info=True)
            shop = "?"
        return fx.OutboxGate(waiting, shop)

    def exchange(effect: fx.RepairExchange) -> PairResult:
        result = repairer().exchange(effect.scan, effect.at)
        outcome.result = result
        return result

    return (
        Handlers()
        .on(fx.RunDoctor, lambda _e: deps.run_doctor())
        .on(fx.TailLogs, lambda _e: tuple(deps.log_tail()))
        .on(fx.TestPrint, test_print)
        .on(fx.RestartKiosk, restart)
        .on(fx.CheckOutbox, gate)
        .on(fx.SyncNow, lambda _e: repairer().sync_now())
        .on(fx.Preflight, lambda e: repairer().preflight(e.scan))
        .on(fx.RepairExchange, exchange)
    )


@dataclass
class TechnicianMode(Mode):
    """The technician mode, plus what the kiosk reads around it: the deps (start() swaps in
    the camera) and the outcome (`kiosk run` prints a re-pairing's result)."""

    deps: TechnicianDeps = field(default_factory=lambda: TechnicianDeps(run_doctor=_no_report))
    outcome: Outcome = field(default_factory=Outcome)

    @property
    def result(self) -> PairResult | None:
        return self.outcome.result


def _no_report() -> fx.DoctorReport:
    raise RuntimeError("no doctor wired")


def technician_mode(
    pin_sha256: str, deps: TechnicianDeps, *, session_timeout_s: float = 300.0
) -> TechnicianMode:
    """The technician mode: its flow (the camera read through `deps` at call time, as the
    scanner starts after the first frame) and its handlers."""
    flow = TechnicianFlow(
        TechnicianSettings(
            pin_sha256=pin_sha256,
            session_timeout_s=session_timeout_s,
            can_test_print=deps.test_print is not None,
            can_restart=deps.restart is not None,
            can_repair=deps.repairer is not None,
            camera_source=lambda: deps.camera_frame,  # None: no camera, the screen says so
        )
    )
    outcome = Outcome()
    return TechnicianMode(flow, technician_handlers(deps, outcome), deps, outcome)


def build_technician(
    settings: Any,
    *,
    config_path: Any = None,
    printer: Any = None,
    scanner: Any = None,
) -> TechnicianMode:
    """The technician mode wired to the real doctor, log tail, printer and restart.

    Restart = SIGTERM to ourselves: the app exits cleanly and systemd (Restart=always)
    starts it again, which is exactly what a technician wants from "Restart app".
    After a re-pairing the restart is the one first pairing uses (`stop_running_app`).
    """
    from kiosk.appliance.logging_setup import RECENT
    from kiosk.appliance.repair import RePairer

    def run_doctor() -> fx.DoctorReport:
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

    return technician_mode(
        settings.technician.pin_sha256,
        TechnicianDeps(
            run_doctor=run_doctor,
            log_tail=lambda: RECENT.tail(12),
            test_print=test_print if printer is not None else None,
            restart=lambda: os.kill(os.getpid(), signal.SIGTERM),
            camera_frame=camera_frame(scanner),
            repairer=RePairer(settings),
            restart_after_pairing=stop_running_app,
        ),
        session_timeout_s=max(60.0, settings.staff.session_timeout_s * 3),
    )


def stop_running_app() -> None:
    """The restart after a re-pairing, the same as after first pairing: the Kivy app stops,
    `kiosk run` closes its parts (outbox, scanner) and exits 0, systemd starts it again
    and the new start reads the new token and paired.json. The tick that asks for it runs
    on Kivy's own thread. Without a running app (a bench, a test), SIGTERM does what
    "Restart app" does.
    """
    from kivy.app import App

    app = App.get_running_app()
    if app is not None:
        app.stop()
    else:
        os.kill(os.getpid(), signal.SIGTERM)


def camera_frame(scanner: Any) -> Callable[[], Any] | None:
    """ScannerManager's camera worker keeps its newest frame for exactly this preview."""
    if scanner is None or getattr(scanner, "camera", None) is None:
        return None
    return lambda: getattr(scanner.camera, "last_frame", None)
