"""Write the metrics for node_exporter's textfile collector: every 30 s, atomically.

Atomic because node_exporter may read the file at any moment: the text goes to a
temporary file in the same directory, is flushed to disk, then renamed over the old one
(rename within a directory is atomic), so a scrape sees the old file or the new one,
never half of one. The temporary name does not end in .prom, so it is never collected.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.periodic import Periodic

log = logging.getLogger(__name__)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # node_exporter runs as its own user
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class TextfileWriter:
    """Render and write every `interval_s` on a daemon thread; `write_once()` is the unit."""

    def __init__(self, path: Path, render: Callable[[], str], interval_s: float = 30.0) -> None:
        self.path = path
        self.render = render
        self.interval_s = interval_s
        self.writes = 0
        self.last_error = ""
        self._loop = Periodic("metrics", interval_s, self.write_once)

    def write_once(self) -> bool:
        """One write; never raises (a full disk must not stop the kiosk), logs once per
        run of failures."""
        try:
            write_atomically(self.path, self.render())
        except Exception as exc:  # noqa: BLE001 - logged below, retried next interval
            if not self.last_error:
                log.warning("metrics textfile %s not written: %s", self.path, exc)
            self.last_error = f"{type(exc).__name__}: {exc}"
            return False
        self.writes += 1
        self.last_error = ""
        return True

    def start(self) -> TextfileWriter:
        self._loop.interval_s = self.interval_s
        self._loop.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._loop.stop(timeout)
