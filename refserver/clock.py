"""The server's time source, shiftable so expiry and cooldown tests never sleep.

Why an offset and not a fake clock: the server stays a real process serving real HTTP;
tests move its "now" forward through POST /admin/clock (or start it with the env var
REFSERVER_NOW_OFFSET=<seconds>). The offset is kept in the database so a restarted
server keeps its shifted time (outbox tests stop and start the server).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

ENV_OFFSET = "REFSERVER_NOW_OFFSET"
WIRE_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class Clock:
    """UTC wall clock plus an adjustable offset in seconds."""

    def __init__(
        self, offset_seconds: float | None = None, *, load: Callable[[], float] | None = None
    ) -> None:
        if offset_seconds is None:
            offset_seconds = float(os.environ.get(ENV_OFFSET, "0") or 0)
        self._offset = float(offset_seconds)
        self._lock = threading.Lock()
        # Several worker processes share one clock only through the database: `load` reads
        # the stored offset at every use (a test feature; one indexed read per call).
        self._load = load

    @property
    def offset_seconds(self) -> float:
        if self._load is not None:
            return self._load()
        return self._offset

    def set_offset(self, seconds: float) -> None:
        with self._lock:
            self._offset = float(seconds)

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset_seconds)


def iso(dt: datetime | None) -> str | None:
    """One fixed wire/storage format (UTC, microseconds, 'Z'): sorts as text, parses anywhere."""
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime(WIRE_FORMAT)


def parse_iso(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
