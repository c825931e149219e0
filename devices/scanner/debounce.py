"""Debounce: the same payload seen again within the window is one scan.

Why a sliding window (from the LAST sighting, not the first): a phone held in front of
the camera for ten seconds is seen in every frame; it must stamp once, not every
`window` seconds. Taking it away for longer than the window and showing it again is a
new scan. Thread-safe: camera, serial and HID threads share one debouncer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Debouncer:
    def __init__(
        self, window_s: float, clock: Callable[[], float] = time.monotonic, max_entries: int = 256
    ) -> None:
        self.window_s = window_s
        self._clock = clock
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def accept(self, text: str, at: float | None = None) -> bool:
        """True when `text` is a new scan; every call refreshes its last sighting."""
        now = self._clock() if at is None else at
        with self._lock:
            last = self._seen.get(text)
            self._seen[text] = now
            if len(self._seen) > self._max:  # bounded memory: drop the stalest entries
                for key in sorted(self._seen, key=self._seen.__getitem__)[: self._max // 2]:
                    del self._seen[key]
            return last is None or now - last > self.window_s
