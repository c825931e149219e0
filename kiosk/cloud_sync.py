"""Poll GET /device with If-None-Match, and hand a changed, valid settings set on.

One poll: 304 -> nothing to do; 200 -> the whole answer goes to `on_device` (slides,
branding, cooldown, ...), and its `settings` are checked (kiosk/cloud_settings.py): a good
set is stored as the last good one and applied through `on_settings`; a bad set is
rejected, recorded for doctor, and the last good set stays in force.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum

from kiosk.api.models import DeviceSettingsFromCloud
from kiosk.cloud_settings import CloudStore, Effective, check, effective
from kiosk.config import Settings

log = logging.getLogger(__name__)

Fetch = Callable[[str | None], tuple[DeviceSettingsFromCloud | None, str | None]]


class Polled(Enum):
    UNCHANGED = "unchanged"  # 304
    APPLIED = "applied"
    REJECTED = "rejected"
    OFFLINE = "offline"


class CloudSync:
    """The kiosk's poller of its cloud settings (one thread; `poll_once` for tests)."""

    def __init__(
        self,
        local: Settings,
        fetch: Fetch,
        on_settings: Callable[[Effective], None],
        on_device: Callable[[DeviceSettingsFromCloud], None] | None = None,
    ) -> None:
        self.local = local
        self.store = CloudStore(local.device.state_dir)
        self._fetch = fetch
        self._on_settings = on_settings
        self._on_device = on_device
        self.etag: str | None = None  # in memory: a fresh start always reads the whole body
        self._stop = threading.Event()

    def poll_once(self) -> Polled:
        try:
            device, tag = self._fetch(self.etag)
        except Exception as exc:  # noqa: BLE001 - offline is normal; the last good set stays
            log.info("cloud settings not polled (%s)", exc)
            return Polled.OFFLINE
        self.etag = tag
        if device is None:
            return Polled.UNCHANGED
        if self._on_device is not None:
            self._on_device(device)
        return self._take(device.settings)

    def _take(self, cloud: dict[str, object]) -> Polled:
        stored = self.store.load()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        checked = check(self.local, cloud)
        if checked.ignored:
            log.info("cloud settings: not taken from the cloud: %s", ", ".join(checked.ignored))
        if not checked.ok:
            stored.rejected_at, stored.problems = now, list(checked.problems)
            self.store.save(stored)
            log.warning("cloud settings rejected, last good set kept: %s", checked.problems)
            return Polled.REJECTED
        changed = checked.values != stored.good
        stored.good, stored.rejected_at, stored.problems = checked.values, "", []
        if changed or not stored.good_at:
            stored.good_at = now
        self.store.save(stored)
        self._on_settings(effective(self.local, checked.values))
        return Polled.APPLIED

    def run(self, interval_s: float, *, first: bool = True) -> None:
        """Poll now (unless `first` is False), then every `interval_s` (0: never again)
        until stop()."""
        if first:
            self.poll_once()
        while interval_s > 0 and not self._stop.wait(interval_s):
            self.poll_once()

    def stop(self) -> None:
        self._stop.set()
