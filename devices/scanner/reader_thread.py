"""What the serial and keyboard-wedge scanners share: one daemon thread per device that
reads until stop(), reopening the device itself when it is unplugged (`_run`)."""

from __future__ import annotations

import threading


class ReaderThread:
    """Base of a line scanner: `name`, a `status` for doctor and the technician screen,
    and start/stop of the reading thread. Subclasses implement `_run`, which loops until
    `self._stop` is set."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.status = "starting"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        raise NotImplementedError
