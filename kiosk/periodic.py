"""Run one small job now and then every N seconds on a daemon thread, until stopped.

Why one class: the heartbeat and the metrics textfile each had the same start/stop/loop
code, and a third background job would copy it again. The job itself must not raise
(each job catches and counts its own failures), so the loop stays a loop. A daemon thread,
because a job stuck in a network timeout must never keep the kiosk from exiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Periodic:
    """`tick()` at once, then every `interval_s` seconds, until `stop()`."""

    def __init__(self, name: str, interval_s: float, tick: Callable[[], object]) -> None:
        self.name = name
        self.interval_s = interval_s
        self.tick = tick
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread; a second start while it runs does nothing."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the loop to end and wait up to `timeout` s for the tick in progress."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.interval_s)
