"""Heartbeat: POST /device/heartbeat every `technician.heartbeat_interval_s` seconds.

Runs on its own daemon thread because it is pure background I/O and must never delay a
customer: a slow or dead server costs this thread a timeout, nothing else. Every failure
is caught and counted; the first one in a row is logged as a warning, the rest at debug
level (a shop offline all night must not fill the disk with identical lines), and the
recovery is logged once. The latest outcome is readable for the technician screen/doctor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk import __version__
from kiosk.periodic import Periodic

log = logging.getLogger(__name__)

StatusSource = Callable[[], Mapping[str, Any]]

# Top-level fields of the contract's heartbeat body; anything else goes under "details",
# so a new device state never breaks the call (the server refuses unknown top-level keys).
TOP_LEVEL = {"queue_depth", "oldest_queued_s", "camera", "printer", "scanner"}
TEXT_FIELDS = {"camera", "printer", "scanner"}  # one line of text each, <= 200 chars


def summarize(value: Any) -> str:
    """A device state as one short line: {"camera:0": "ok"} -> "camera:0 ok"."""
    if isinstance(value, Mapping):
        text = ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    else:
        text = str(value)
    return text[:200]


class HeartbeatClient(Protocol):
    def heartbeat(self, status: Mapping[str, Any]) -> None: ...


@dataclass(frozen=True)
class HeartbeatState:
    sent: int = 0
    failures_in_a_row: int = 0
    last_ok_at: float | None = None  # time.time() of the last accepted heartbeat
    last_error: str = ""


class Heartbeat:
    """Periodic heartbeat; `beat_once()` is the unit (tests call it directly)."""

    def __init__(
        self,
        client: HeartbeatClient,
        interval_s: float,
        status_source: StatusSource | None = None,
        *,
        started_at: float | None = None,
    ) -> None:
        self.client = client
        self.interval_s = interval_s
        self.status_source = status_source or (lambda: {})
        self.started_at = time.monotonic() if started_at is None else started_at
        self.state = HeartbeatState()
        self._loop = Periodic("heartbeat", interval_s, self.beat_once)

    def payload(self) -> dict[str, Any]:
        """version + uptime always; queue depth and device states from the status source."""
        body: dict[str, Any] = {
            "app_version": __version__,
            "uptime_s": round(time.monotonic() - self.started_at, 1),
        }
        details: dict[str, Any] = {}
        try:
            for key, value in self.status_source().items():
                if key not in TOP_LEVEL:
                    details[key] = value
                elif key in TEXT_FIELDS and not isinstance(value, str):
                    details[key] = value  # e.g. {"camera:0": "ok"}: kept whole in details
                    body[key] = summarize(value)
                else:
                    body[key] = value
        except Exception as exc:  # a broken status source must not stop heartbeats
            log.debug("heartbeat status source failed", exc_info=True)
            details["status_error"] = type(exc).__name__
        body["details"] = details
        return body

    def beat_once(self) -> bool:
        """Send one heartbeat. Never raises; returns True when the server accepted it."""
        try:
            self.client.heartbeat(self.payload())
        except Exception as exc:  # noqa: BLE001 - logged below; a heartbeat never raises, it retries
            failures = self.state.failures_in_a_row + 1
            reason = getattr(exc, "code", None) or type(exc).__name__
            (log.warning if failures == 1 else log.debug)(
                "heartbeat failed (%s), %d in a row; will retry in %.0fs",
                reason,
                failures,
                self.interval_s,
            )
            self.state = HeartbeatState(
                self.state.sent, failures, self.state.last_ok_at, str(reason)
            )
            return False
        if self.state.failures_in_a_row:
            log.info("heartbeat back after %d failure(s)", self.state.failures_in_a_row)
        self.state = HeartbeatState(self.state.sent + 1, 0, time.time(), "")
        return True

    def start(self) -> Heartbeat:
        self._loop.interval_s = self.interval_s
        self._loop.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._loop.stop(timeout)
