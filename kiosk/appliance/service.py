"""Everything `kiosk run` needs from the appliance layer, behind four calls.

    svc = ApplianceService.from_settings(settings, client, status_source)
    svc.start()                                  # journal logging + heartbeat thread
    Clock.schedule_once(lambda dt: svc.ready())  # after the FIRST FRAME is drawn
    Clock.schedule_interval(svc.tick, 1.0)       # from the UI loop: watchdog + STATUS
    svc.stop()                                   # on exit: STOPPING=1, heartbeat ends

Why the UI loop drives `tick`: the watchdog must prove the loop is alive, so a frozen
screen stops the pings and systemd restarts the kiosk. `status_source` is a plain callable
returning e.g. {"camera": "ok", "printer": "paper out", "cloud": "online",
"queue_depth": 2}; it feeds both STATUS= (systemctl status) and the heartbeat. No Kivy here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.appliance.heartbeat import Heartbeat, HeartbeatClient
from kiosk.appliance.logging_setup import setup_logging
from kiosk.appliance.memory_pressure import PressureWatch
from kiosk.appliance.systemd_notify import LoopWatchdog, Notifier
from kiosk.config import Settings

log = logging.getLogger(__name__)

StatusSource = Callable[[], Mapping[str, Any]]


def status_line(status: Mapping[str, Any]) -> str:
    """One short line for `systemctl status kiosk`: 'camera ok; printer paper out; ...'."""
    parts = [f"{k.replace('_', ' ')} {v}" for k, v in status.items() if v not in (None, "")]
    return "; ".join(parts) or "running"


class ApplianceService:
    def __init__(
        self,
        notifier: Notifier,
        heartbeat: Heartbeat | None,
        status_source: StatusSource,
        *,
        log_level: str = "INFO",
        watchdog_ping_s: float | None = None,
        memory: PressureWatch | None = None,
    ) -> None:
        self.notifier = notifier
        self.watchdog = LoopWatchdog(notifier, watchdog_ping_s or None)
        self.heartbeat = heartbeat
        self.status_source = status_source
        self.log_level = log_level
        self.is_ready = False
        self.memory = memory or PressureWatch(None)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        client: HeartbeatClient | None,
        status_source: StatusSource = dict,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> ApplianceService:
        tech = settings.technician
        hb = Heartbeat(client, tech.heartbeat_interval_s, status_source) if client else None
        return cls(
            Notifier.from_env(environ),
            hb,
            status_source,
            log_level=tech.log_level,
            watchdog_ping_s=tech.watchdog_ping_s,
            memory=PressureWatch.for_this_process(),
        )

    def start(self) -> None:
        setup_logging(self.log_level)
        if self.heartbeat is not None:
            self.heartbeat.start()

    def ready(self) -> None:
        """Call once the first frame is on screen: systemd then reports the unit started."""
        if not self.is_ready:
            self.is_ready = True
            self.watchdog.ready(status_line(self._status()))
            offscreen = os.environ.get("SDL_VIDEODRIVER") in ("offscreen", "dummy")
            log.info("ready (first frame %s)", "drawn offscreen" if offscreen else "shown")

    def tick(self, *_: object) -> None:
        """From the UI loop's clock: watchdog ping (rate-limited), STATUS when it changed, and
        a warning in the journal when the kiosk crossed MemoryHigh (rate-limited too)."""
        self.watchdog.tick()
        self.memory.poll()
        if self.is_ready:
            self.watchdog.set_status(status_line(self._status()))

    def stop(self) -> None:
        self.notifier.stopping()
        if self.heartbeat is not None:
            self.heartbeat.stop()

    def _status(self) -> Mapping[str, Any]:
        try:
            status = dict(self.status_source())
        except Exception as exc:  # the status line must never take the UI loop down
            status = {"status": f"unknown ({type(exc).__name__})"}
        if self.memory.throttled:
            status["memory"] = f"throttled {self.memory.throttled}x above MemoryHigh"
        return status
