"""The technician flow (kiosk/flows/technician.py) wired to the real doctor, log tail,
printer, camera, re-pairer and restart: the I/O the flow only knows as Protocols.

Why here and not next to the flow: the doctor is a CLI command (kiosk.cli.doctor) and
the restart after re-pairing stops the running Kivy app; the flows layer may import
neither, the composition root may.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from kiosk.clock import Clock
from kiosk.flows.technician import DoctorReport, Runner, TechnicianDeps, TechnicianFlow


def thread_runner(job: Callable[[], Any], done: Callable[[Any], None]) -> None:
    """Run slow work (doctor, test print) off the UI thread; `done` publishes a state,
    which the app already hops back onto Kivy's thread."""
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
    After a re-pairing the restart is the one first pairing uses (`stop_running_app`).
    """
    from kiosk.appliance.logging_setup import RECENT
    from kiosk.appliance.repair import RePairer

    def run_doctor() -> DoctorReport:
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
            camera_frame=camera_frame(scanner),
            repairer=RePairer(settings),
            restart_after_pairing=stop_running_app,
        ),
        clock=clock,
        runner=runner,
        session_timeout_s=max(60.0, settings.staff.session_timeout_s * 3),
    )


def stop_running_app() -> None:
    """The restart after a re-pairing, the same as after first pairing: the Kivy app stops,
    `kiosk run` closes its parts (outbox, scanner) and exits 0, systemd starts it again
    and the new start reads the new token and paired.json. tick() (which calls this) runs
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
