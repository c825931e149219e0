"""The camera path through real video files (cv2.VideoWriter) and a source that fails
mid-stream and comes back: capture and decode threads, frame dropping, debounce, status.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.scanner.backoff import Backoff
from devices.scanner.events import ScanEvent
from devices.scanner.manager import ScannerManager
from devices.scanner.pipeline import DecodePipeline
from devices.scanner.sources import (
    ImageFolderSource,
    SimulatedCamera,
    SourceError,
    VideoFileSource,
)
from devices.scanner.synth import render_phone_frame
from devices.scanner.worker import CameraWorker, Mailbox
from kiosk.config import ScannerSection

CARD = "https://loyalty.example.com/c/Video_Card_Token_001"
VOUCHER = "SUMMER-2026"


def write_video(path: Path, segments: list[tuple[str | None, str, int]], size=(640, 480), fps=15):
    """segments: (payload or None for an empty counter, symbology, frame count)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    assert writer.isOpened()
    empty = np.full((size[1], size[0], 3), 90, dtype=np.uint8)
    for i, (text, sym, count) in enumerate(segments):
        frame = (
            render_phone_frame(text, sym, size, tier="mild", seed=i, dark=False) if text else empty
        )
        for _ in range(count):
            writer.write(frame)
    writer.release()
    return path


def collect(
    settings: ScannerSection, **kw
) -> tuple[ScannerManager, list[ScanEvent], threading.Event]:
    events: list[ScanEvent] = []
    got = threading.Event()

    def on_event(ev: ScanEvent) -> None:
        events.append(ev)
        got.set()

    return ScannerManager(settings, on_event, **kw), events, got


def wait_for(cond, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False


def test_video_file_through_the_manager_is_one_event_per_payload(tmp_path: Path) -> None:
    video = write_video(
        tmp_path / "scan.avi",
        [(None, "", 3), (CARD, "qr", 12), (None, "", 3), (VOUCHER, "code128", 12)],
    )
    settings = ScannerSection(
        camera=None, video_file=video, debounce_s=30, serial_port="", hid_device=""
    )
    manager, events, _ = collect(settings)
    manager.start()
    try:
        assert wait_for(lambda: len(events) >= 2)
        assert manager.status() == {f"video:{video}": "ok"}
        time.sleep(0.5)  # the video loops: held codes must still be one event each
    finally:
        manager.stop()
    assert [(e.text, e.symbology) for e in events] == [(CARD, "qr"), (VOUCHER, "code128")]
    assert all(e.source == f"video:{video}" for e in events)


class FlakySource:
    """Plays frames, fails mid-stream (unplugged) and refuses to reopen `refusals` times."""

    name = "camera:flaky"

    def __init__(self, frames: list[np.ndarray], fail_after: int, refusals: int) -> None:
        self.frames, self.fail_after, self.refusals = frames, fail_after, refusals
        self.i = 0
        self.failed = False
        self.opens = 0

    def open(self) -> None:
        self.opens += 1
        if self.failed and self.refusals > 0:
            self.refusals -= 1
            raise SourceError("no such device")

    def read(self):
        time.sleep(0.01)
        if not self.failed and self.i == self.fail_after:
            self.failed = True
            raise SourceError("read failed: device gone")
        if self.i >= len(self.frames):
            return None
        frame = self.frames[self.i]
        self.i += 1
        return frame, self.name

    def close(self) -> None:
        pass


def test_a_camera_failing_mid_stream_is_reported_and_reopened() -> None:
    empty = np.full((480, 640, 3), 90, np.uint8)
    code = render_phone_frame(CARD, "qr", (640, 480), tier="mild", seed=1, dark=False)
    frames = [empty] * 5 + [code] * 5
    src = FlakySource(frames, fail_after=3, refusals=2)
    reads: list[str] = []
    statuses: list[str] = []
    worker = CameraWorker(
        src,
        DecodePipeline(("qr",)),
        lambda r, o, ms: reads.append(r.text),
        backoff=Backoff(first_s=0.05, max_s=0.2),
    )

    def watch() -> None:
        while worker.alive or not statuses:
            if not statuses or statuses[-1] != worker.status:
                statuses.append(worker.status)
            time.sleep(0.005)

    worker.start()
    watcher = threading.Thread(target=watch)
    watcher.start()
    assert worker.wait_finished(10)
    watcher.join(2)
    assert reads and set(reads) == {CARD}  # frames after the replug were decoded
    assert src.opens == 4  # first open, two refused reopens, one good
    assert "unplugged" in statuses
    assert any(s.startswith("retrying in") for s in statuses)
    assert worker.status == "ended"


def test_mailbox_drops_frames_instead_of_queueing() -> None:
    box = Mailbox()
    a, b, c = (np.full((2, 2), v, np.uint8) for v in (1, 2, 3))
    box.put(a, "x")
    box.put(b, "x")
    box.put(c, "x")
    frame, _, _ = box.take(0.1)
    assert int(frame[0, 0]) == 3 and box.dropped == 2
    assert box.take(0.01) is None


def test_decoder_slower_than_the_camera_drops_frames_not_time(tmp_path: Path) -> None:
    class SlowPipeline(DecodePipeline):
        def decode(self, frame):
            time.sleep(0.05)
            return super().decode(frame)

    frames = [render_phone_frame(CARD, "qr", (640, 480), seed=1, dark=False)] * 40

    class Fast:
        name = "camera:fast"
        i = 0

        def open(self):
            pass

        def read(self):
            time.sleep(0.005)
            if self.i >= len(frames):
                return None
            self.i += 1
            return frames[self.i - 1], self.name

        def close(self):
            pass

    latencies: list[float] = []
    worker = CameraWorker(Fast(), SlowPipeline(("qr",)), lambda r, o, ms: latencies.append(ms))
    worker.start()
    assert worker.wait_finished(10)
    assert worker.mailbox.dropped > 10  # most frames skipped
    assert worker.decoded + worker.mailbox.dropped == worker.frames
    assert latencies and max(latencies) < 500  # never a growing backlog


def test_image_folder_and_unopenable_sources(tmp_path: Path) -> None:
    cv2.imwrite(
        str(tmp_path / "b.png"), render_phone_frame(CARD, "aztec", (640, 480), seed=2, dark=False)
    )
    (tmp_path / "a.png").write_bytes(b"not an image")
    src = ImageFolderSource(tmp_path)
    src.open()
    frame, origin = src.read()
    assert origin == str(tmp_path / "b.png") and frame.shape == (480, 640, 3)
    assert src.read() is None
    with pytest.raises(SourceError):
        ImageFolderSource(tmp_path / "missing").open()
    with pytest.raises(SourceError):
        VideoFileSource(tmp_path / "missing.avi").open()


def test_missing_camera_gives_a_retry_status_and_never_blocks(tmp_path: Path) -> None:
    settings = ScannerSection(camera="/dev/video-does-not-exist", serial_port="", hid_device="")
    manager, _, _ = collect(settings)
    t0 = time.monotonic()
    manager.start()
    try:
        assert wait_for(
            lambda: manager.status()["camera:/dev/video-does-not-exist"].startswith("retrying in"),
            5,
        )
    finally:
        manager.stop()
    assert time.monotonic() - t0 < 5


def test_inject_and_simulated_camera_for_the_demo() -> None:
    cam = SimulatedCamera((640, 480), fps=30, hold_s=2)
    settings = ScannerSection(camera=None, debounce_s=5, serial_port="", hid_device="")
    manager, events, got = collect(settings, frame_source=cam)
    manager.start()
    try:
        assert manager.inject("STAFF:1:abcdef") is True
        assert manager.inject("STAFF:1:abcdef") is False  # debounced
        assert manager.inject("bad\x00\x1b") is True  # cleaned to "bad"
        cam.show(CARD, "qr")
        assert wait_for(lambda: any(e.text == CARD for e in events))
    finally:
        manager.stop()
    assert [e.text for e in events] == ["STAFF:1:abcdef", "bad", CARD]
    assert events[0].source == "inject" and events[2].source == "camera:simulated"


def test_on_event_errors_do_not_kill_the_scanner() -> None:
    calls: list[str] = []

    def broken(ev: ScanEvent) -> None:
        calls.append(ev.text)
        raise RuntimeError("consumer bug")

    manager = ScannerManager(ScannerSection(camera=None, debounce_s=0), broken)
    assert manager.inject("ONE-1234") and manager.inject("TWO-1234")
    assert calls == ["ONE-1234", "TWO-1234"]


def test_an_open_camera_that_goes_quiet_is_reported() -> None:
    release = threading.Event()

    class Quiet:
        """Two frames, then a driver that neither delivers nor fails (until released)."""

        name = "camera:quiet"
        n = 0

        def open(self):
            pass

        def read(self):
            self.n += 1
            if self.n > 2:
                release.wait(10)
                return None
            return np.zeros((4, 4, 3), np.uint8), self.name

        def close(self):
            pass

    worker = CameraWorker(Quiet(), DecodePipeline(("qr",)), lambda r, o, ms: None)
    worker.stall_after_s = 0.2
    worker.start()
    try:
        assert wait_for(lambda: worker.health().startswith("no frames for"), 5)
        assert worker.status == "ok"
    finally:
        release.set()
        worker.stop()
    assert worker.health() == "ended"


def test_a_late_reader_still_sees_the_phone_it_was_shown() -> None:
    """A worker that reads only after hold_s is over (a loaded machine) still gets the
    phone in min_frames frames: the demo's scan is not lost to the clock."""
    cam = SimulatedCamera((160, 120), fps=1000, hold_s=0.01, min_frames=3)
    cam.show(CARD, "qr")
    time.sleep(0.05)  # hold_s is over before the first read
    frames = [cam.read() for _ in range(5)]
    phone = [f for f in frames if f is not None and f[0].mean() != 90]
    assert len(phone) == 3 and cam.shown_text == CARD and cam.last_shown_at > 0
