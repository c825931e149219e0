"""Camera path: one capture thread, one decode thread, a one-frame mailbox between them.

Why the mailbox: decoding a hard frame can take longer than a frame period; queueing
frames would make the kiosk answer a phone that left seconds ago. The capture thread
overwrites the mailbox, so the decoder always takes the newest frame and older ones are
dropped (and counted). A source error closes the source, sets the status ("unplugged",
"retrying in 4s") and reopens it with backoff; nothing here blocks the UI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from devices.scanner.backoff import Backoff, retry_status
from devices.scanner.decoders import Read
from devices.scanner.pipeline import DecodePipeline
from devices.scanner.sources import FrameSource, SourceError

log = logging.getLogger(__name__)


class Mailbox:
    """Holds at most one frame; put() replaces what the reader has not taken yet."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: tuple[np.ndarray, str, float] | None = None
        self.dropped = 0
        self.closed = False

    def put(self, frame: np.ndarray, origin: str) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = (frame, origin, time.monotonic())
            self._cond.notify()

    def take(self, timeout: float) -> tuple[np.ndarray, str, float] | None:
        with self._cond:
            if self._item is None and not self.closed:
                self._cond.wait(timeout)
            item, self._item = self._item, None
            return item

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


OnRead = Callable[[Read, str, float], None]  # read, origin, ms from capture to decoded
# frame, its reads (maybe none), ms: every decoded frame WITH what was read in it, for a
# preview that must draw a box over the very frame it was found in
OnDecoded = Callable[[np.ndarray, list[Read], float], None]


class CameraWorker:
    """Runs one frame source through one decode pipeline until stop()."""

    def __init__(
        self,
        source: FrameSource,
        pipeline: DecodePipeline,
        on_read: OnRead,
        *,
        backoff: Backoff | None = None,
        stop_at_end: bool = True,
    ) -> None:
        self.source = source
        self.pipeline = pipeline
        self.on_read = on_read
        self.backoff = backoff or Backoff()
        self.stop_at_end = stop_at_end
        self.status = "starting"
        self.frames = 0
        self.decoded = 0
        self.decode_ms_total = 0.0  # capture-to-decoded, summed (the kiosk's metrics)
        self.last_frame: np.ndarray | None = None  # for a preview; replaced, never copied
        # (last_frame runs ahead of the decoder: a box must never be drawn over it)
        self.on_decoded: OnDecoded | None = None
        self.last_frame_at = 0.0
        self.stall_after_s = 3.0
        self.mailbox = Mailbox()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._stop.clear()
        self._threads = [
            threading.Thread(
                target=self._capture_loop, name=f"capture {self.source.name}", daemon=True
            ),
            threading.Thread(
                target=self._decode_loop, name=f"decode {self.source.name}", daemon=True
            ),
        ]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        self.mailbox.close()
        for t in self._threads:
            t.join(timeout)

    def wait_finished(self, timeout: float) -> bool:
        """For finite sources: True once the stream ended and the last frame is decoded."""
        for t in self._threads:
            t.join(timeout)
        return not any(t.is_alive() for t in self._threads)

    def health(self) -> str:
        """The status, or "no frames for Ns" when an open source has gone quiet."""
        status = self.status
        if status == "ok" and self.last_frame_at:
            quiet = time.monotonic() - self.last_frame_at
            if quiet > self.stall_after_s:
                return f"no frames for {quiet:.0f}s"
        return status

    @property
    def alive(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def _capture_loop(self) -> None:
        opened = False
        try:
            while not self._stop.is_set():
                if not opened:
                    opened = self._open()
                    continue
                try:
                    item = self.source.read()
                except SourceError as exc:
                    self._lost(str(exc))
                    opened = False
                    continue
                if item is None:
                    if self.stop_at_end:
                        self.status = "ended"
                        break
                    self._lost("stream ended")
                    opened = False
                    continue
                self.frames += 1
                self.last_frame, self.last_frame_at = item[0], time.monotonic()
                self.mailbox.put(*item)
        finally:
            self.source.close()
            self.mailbox.close()

    def _open(self) -> bool:
        try:
            self.source.open()
        except SourceError as exc:
            delay = self.backoff.next_delay()
            self.status = retry_status(delay)
            log.warning("%s: %s; %s", self.source.name, exc, self.status)
            self._stop.wait(delay)
            return False
        self.backoff.reset()
        self.status = "ok"
        return True

    def _lost(self, why: str) -> None:
        self.source.close()
        self.status = "unplugged"
        log.warning("%s: %s; reopening", self.source.name, why)
        self._stop.wait(self.backoff.next_delay())

    def _decode_loop(self) -> None:
        while not self._stop.is_set():
            item = self.mailbox.take(timeout=0.2)
            if item is None:
                if self.mailbox.closed:
                    return
                continue
            frame, origin, captured = item
            try:
                reads = self.pipeline.decode(frame)
            except Exception:  # a decoder bug must not kill the camera path
                log.exception("decode failed on a frame from %s", origin)
                reads = None
            ms = (time.monotonic() - captured) * 1000
            self._hand_over(frame, reads or [], ms)
            if reads is None:
                continue
            self.decoded += 1
            self.decode_ms_total += ms
            for r in reads:
                self.on_read(r, origin, ms)

    def _hand_over(self, frame: np.ndarray, reads: list[Read], ms: float) -> None:
        hook = self.on_decoded
        if hook is None:
            return
        try:
            hook(frame, reads, ms)
        except Exception:  # a preview must never stop the scanning
            log.exception("preview hook failed")
