"""The appliance (what systemd starts): the kiosk app on the configured devices and server.

Bad configuration or no pairing never crash-loops: the kiosk shows "out of service" with
the reason (for the technician) and keeps pinging the watchdog, so systemd sees a live
loop and the shop sees a calm screen. `--strict` exits 78 instead (EX_CONFIG, listed in
the unit's RestartPreventExitStatus=). READY=1 is sent after the first frame, WATCHDOG=1
from the UI loop's own Clock (a frozen loop stops the pings and systemd restarts it).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys

from kiosk.cli import EX_CONFIG, EX_OK

NAME = "run"
HELP = "the appliance (what systemd starts)"

log = logging.getLogger("kiosk.run")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 78 on a bad config instead of showing the out-of-service screen",
    )
    p.add_argument("--max-seconds", type=float, default=0, help=argparse.SUPPRESS)  # tests


def _load(args: argparse.Namespace):
    from kiosk.config import ConfigError, Settings, load_settings

    try:
        return load_settings(args.config), ""
    except ConfigError as exc:
        fresh = None if args.strict else _fresh_install(args.config, exc)
        if fresh is not None:
            return fresh, ""
        for problem in exc.problems:
            print(f"kiosk run: {problem}", file=sys.stderr)
        return Settings(), "; ".join(str(p) for p in exc.problems)


def _fresh_install(path, exc):
    """No kiosk.toml at all, and the kiosk is unpaired or paired by scan: the defaults.

    Why: a fresh install (install-service, no provision) then shows the pairing screen,
    and after pairing by scan it starts as a paired kiosk, without anyone writing
    /etc/kiosk. A kiosk paired any other way keeps "out of service: file not found".
    """
    from kiosk.config import default_config_path, load_settings

    if [p.key for p in exc.problems] != ["(file)"] or "not found" not in exc.problems[0].problem:
        return None
    try:
        settings = load_settings(path, must_exist=False)
    except Exception:  # e.g. a bad KIOSK__ env value: the usual report
        log.debug("settings not loaded before the pairing check", exc_info=True)
        return None
    unpaired = not settings.device.token_path.exists()
    if unpaired or settings.server_source.startswith("paired by scan"):
        where = path or default_config_path()
        print(
            f"kiosk run: no {where}: defaults, server from {settings.server_source}",
            file=sys.stderr,
        )
        return settings
    return None


def run(args: argparse.Namespace) -> int:
    from kiosk.appliance import crash_guard

    settings, bad_config = _load(args)
    # a crash loop that one reboot did not fix: out of service, never another reboot
    bad_config = bad_config or crash_guard.gave_up_reason()
    if not bad_config:
        crash_guard.reset_when_stable(settings.device.state_dir)
    if bad_config and args.strict:
        return EX_CONFIG
    from kiosk.appliance.logging_setup import setup_logging

    # before Kivy: Kivy wraps sys.stderr in a logger, and a root handler writing to that
    # wrapper would feed itself (RecursionError)
    setup_logging(settings.technician.log_level, badge_prefix=settings.scanner.staff_badge_prefix)
    os.umask(os.umask(0o077) | 0o077)  # outside systemd too (UMask=0077): Kivy's files private
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_HOME", _kivy_home(settings))
    from kiosk.ui.display import choose_video_driver, drawing_offscreen
    from kiosk.ui.window import prepare_window

    where = choose_video_driver()  # before Kivy: offscreen is said, never silent
    log.log(logging.WARNING if drawing_offscreen() else logging.INFO, "%s", where)
    ui = settings.ui
    width, height = (ui.height, ui.width) if ui.orientation == "portrait" else (ui.width, ui.height)
    prepare_window(width, height, fullscreen=ui.fullscreen)
    parts, reason = _build(settings, bad_config, args.config)
    return _serve(parts, reason, settings, args.max_seconds)


def _kivy_home(settings) -> str:
    """Kivy's own folder inside the kiosk's state dir (never ~/.kivy of some user)."""
    import tempfile
    from pathlib import Path

    for base in (Path(settings.device.state_dir), Path(tempfile.gettempdir())):
        try:
            folder = base / "kivy"
            folder.mkdir(parents=True, exist_ok=True)
            return str(folder)
        except OSError:
            continue
    return tempfile.mkdtemp(prefix="kiosk-kivy-")


def _build(settings, bad_config: str, config_path=None):
    """The real parts; not paired: the pairing-by-scan screen with the scanner on;
    otherwise a bare customer host that can only say "out of service"."""
    from kiosk.cli._kiosk_parts import build_kiosk, kiosk_host
    from kiosk.flows.runtime import Handlers
    from kiosk.stamping import NotPaired

    if not bad_config:
        try:
            return build_kiosk(
                settings, shop_name=settings.device.name, config_path=config_path
            ), ""
        except NotPaired as exc:
            log.warning("not paired (%s): waiting for the pairing QR at the camera", exc)
            return _Unpaired(settings), f"not paired: {exc}"
        except Exception as exc:  # unreadable state dir, ...: say it on screen
            log.error("cannot start the kiosk: %s", exc, exc_info=True)
            bad_config = f"{type(exc).__name__}: {exc}"
    # No handlers: a kiosk out of service carries no customer effect out.
    return _OutOfService(settings, kiosk_host(settings, Handlers())), bad_config


class _OutOfService:
    def __init__(self, settings, host) -> None:
        self.host = host
        self.settings = settings

    def start(self) -> None:
        pass

    def close(self) -> None:
        self.host.shutdown()


class _Unpaired:
    """An unpaired kiosk: the pairing flow (kiosk.flows.pairing) and the scanner feeding it.

    After a successful pairing the process exits 0 and systemd (Restart=always) starts it
    again: the next start loads the settings (now with the paired server) and builds the
    real parts exactly as every boot does. Rebuilding in-process would mean swapping the
    controller under a running Kivy app and tearing down half-built parts: more code paths
    that only ever run once per kiosk lifetime.
    """

    def __init__(self, settings) -> None:
        from kiosk.appliance.provisioning import pair_by_scan
        from kiosk.cli._pairing_parts import build_pairing

        self.settings = settings
        self.host = build_pairing(settings, pair_by_scan)
        self.scanner = None

    def start(self) -> None:
        try:
            from devices.scanner.manager import ScannerManager

            self.scanner = ScannerManager(
                self.settings.scanner,
                self.host.on_scan_event,
                camera_source=self.settings.camera.source,
            )
            self.scanner.start()
        except Exception as exc:  # noqa: BLE001 - the screen still says what to do
            log.warning("scanner not available, pairing by scan impossible: %s", exc)
            self.host.out_of_service(f"scanner not available: {exc}; use 'kiosk provision'")

    def close(self) -> None:
        if self.scanner is not None:
            self.scanner.stop()
        self.host.shutdown()


def _serve(parts, reason: str, settings, max_seconds: float) -> int:
    from kivy.clock import Clock

    from kiosk import __version__
    from kiosk.appliance.service import ApplianceService
    from kiosk.appliance.updates.trial import confirm_on_ready
    from kiosk.ui.app import KioskApp

    stamp_path = getattr(parts, "stamp_path", None)
    service = ApplianceService.from_settings(
        settings,
        stamp_path.client if stamp_path is not None else None,
        lambda: _status(parts, reason),
    )
    if reason:
        out_of_service(parts, reason)
    if service.heartbeat is not None:  # (service.start() would set up logging again)
        service.heartbeat.status_source = lambda: {
            **_heartbeat_status(parts, reason),
            "update": _update_fields(settings),
        }
        service.heartbeat.start()
    from kiosk.cli._metrics_parts import start_metrics

    metrics = start_metrics(parts, settings, lambda: float(Clock.frametime))

    _mark_sessions(parts.host, settings)  # updates wait until nobody is at the kiosk

    def first_frame() -> None:
        parts.start()  # camera, printer warm-up, outbox worker: after the screen is up
        service.ready()
        confirm_on_ready(settings.device.state_dir, __version__)  # the update health gate

    from kiosk.cli._engage_parts import use_cached_look
    from kiosk.ui.keys import KeyRules

    use_cached_look(settings)  # the shop's look as cached (checked); before any screen
    app = KioskApp(
        parts.host,
        staff_gesture=settings.ui.staff_gesture,
        sound=settings.ui.sound,
        on_first_frame=first_frame,
        on_tick=service.tick,
        keys=KeyRules.from_settings(settings.accessibility),
    )
    if isinstance(parts, _Unpaired):
        parts.host.on_restart = app.stop  # called from the UI tick: Kivy's thread
    if max_seconds:
        Clock.schedule_once(lambda _dt: app.stop(), max_seconds)
    try:
        app.run()
    finally:
        service.stop()
        if metrics is not None:
            metrics.stop()
        parts.close()
    result = getattr(parts.host, "result", None)  # first pairing by scan
    result = result or getattr(getattr(parts, "technician", None), "result", None)  # re-pairing
    if result is not None:
        print(
            f"kiosk run: paired with {result.location_name or result.server_url}; "
            "exiting so the service restarts as a paired kiosk",
            file=sys.stderr,
        )
    return EX_OK


def out_of_service(parts, reason: str) -> None:
    """Say on screen why the kiosk does not serve (the pairing face or the customer mode)."""
    if isinstance(parts, _Unpaired):
        parts.host.out_of_service(reason)
        return
    from kiosk.flows.customer import OutOfService

    parts.host.send(OutOfService(reason))


def _status(parts, reason: str) -> dict:
    """The STATUS= line and heartbeat body: out of service, or the devices' states."""
    if reason:
        return {"status": f"out of service: {reason[:200]}"}
    out: dict = {"status": "serving"}
    scanner = getattr(parts, "scanner", None)
    if scanner is not None:
        out["scanner"] = ", ".join(f"{k} {v}" for k, v in scanner.status().items())
    stamp_path = getattr(parts, "stamp_path", None)
    if stamp_path is not None:
        with contextlib.suppress(Exception):  # a status line never breaks the loop
            out["queue_depth"] = stamp_path.outbox.pending_count()
    return out


def _mark_sessions(host, settings) -> None:
    """Keep update/session-open present while a customer or staff session is open."""
    from kiosk.appliance.updates.window import SessionMarker

    subscribe = getattr(host, "subscribe", None)
    if subscribe is None:
        return
    marker = SessionMarker(settings.device.state_dir)
    marker.update(tuple(getattr(host, "modes", ())), "attract")
    subscribe(lambda view: marker.update(tuple(getattr(host, "modes", ())), view.screen))


def _update_fields(settings) -> dict | str:
    """Version and last update result for the heartbeat (issue 18); never raises."""
    from kiosk.appliance.updates.status import heartbeat_fields

    try:
        return heartbeat_fields(settings.update.releases_dir, settings.device.state_dir)
    except (OSError, ValueError) as exc:  # reported, never raised
        return f"unknown ({type(exc).__name__})"


def _heartbeat_status(parts, reason: str) -> dict:
    """The heartbeat's body: the STATUS fields plus what is too slow for every UI tick
    (the outbox's age and sync mode, the printer asked over its transport). It runs on
    the heartbeat's own thread, so a slow printer never holds the screen."""
    out = _status(parts, reason)
    stamp_path = getattr(parts, "stamp_path", None)
    if stamp_path is not None:
        with contextlib.suppress(Exception):
            out.update(stamp_path.worker.heartbeat_fields())
    printer = getattr(parts, "printer", None)
    if printer is not None and not reason:
        try:
            st = printer.status()
            out["printer"] = st.error or ("ready" if st.ready else "not ready")
            # for the cloud's fleet metrics (goes under the heartbeat's details)
            out["printer_state"] = {"ready": st.ready, "paper_out": st.paper_out}
        except Exception as exc:  # reported, never raised
            log.debug("printer status failed", exc_info=True)
            out["printer"] = f"unknown ({type(exc).__name__})"
    return out
