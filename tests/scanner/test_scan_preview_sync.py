"""The live preview's green box is drawn over the frame it was found in, never a frame late.

Real parts: a video file as the camera (cv2.VideoWriter, read by VideoFileSource paced
like a camera), the real CameraWorker (capture + decode threads, one-frame mailbox), the
real decode pipeline, scan-test's live preview wiring and the real PreviewRoot in an
offscreen Kivy window. The code jumps between the left and the right half of the picture
every frame, so a box from one frame drawn over the next is on the wrong half.

The decode is slowed to 60 ms a frame, what a Pi 4 needs for a hard 720p frame
(FIELD-NOTES: several times this machine's ~5-20 ms): the camera then moves on while a
frame is decoded, which is exactly when the box of frame N used to land on frame N+1.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from devices.scanner.synth import render_code

pytestmark = pytest.mark.ui

CARD = "https://loyalty.example.com/c/Jumping_Card_Token_0007"
W, H = 640, 480
DECODE_S = 0.06


@pytest.fixture(scope="module")
def window():
    from kivy.core.window import Window

    before = tuple(Window.size)
    Window.size = (W, H)
    yield Window
    Window.size = before  # later UI tests expect the window they set up


def jumping_code_video(path: Path, frames: int = 60) -> Path:
    """30 fps; even frames show the QR in the left half, odd frames in the right half."""
    code = render_code(CARD, "qr", module_px=5)
    h, w = code.shape
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (W, H))
    for i in range(frames):
        canvas = np.full((H, W), 235, np.uint8)
        x = 30 if i % 2 == 0 else W - 30 - w
        canvas[(H - h) // 2 : (H - h) // 2 + h, x : x + w] = code
        writer.write(cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR))
    writer.release()
    return path


def code_side(frame: np.ndarray) -> str:
    """Where the dark modules are in this very frame."""
    dark = frame[..., 1] < 100
    return "left" if dark[:, : W // 2].sum() > dark[:, W // 2 :].sum() else "right"


def box_side(box: tuple[int, int, int, int]) -> str:
    return "left" if (box[0] + box[2]) / 2 < W / 2 else "right"


class SlowPipeline:
    """The real pipeline at a Pi's pace."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def decode(self, frame: np.ndarray) -> Any:
        time.sleep(DECODE_S)
        return self.inner.decode(frame)


def test_the_box_is_drawn_with_the_frame_it_was_found_in(tmp_path, window):
    from kivy.base import EventLoop

    from devices.scanner.manager import pipeline_for
    from devices.scanner.sources import VideoFileSource
    from devices.scanner.worker import CameraWorker
    from kiosk.cli.scan_test import _tap_preview
    from kiosk.config import Settings
    from kiosk.ui.scan_preview import PreviewFeed, PreviewRoot

    video = jumping_code_video(tmp_path / "jump.avi")
    source = VideoFileSource(video, realtime=True)
    worker = CameraWorker(source, SlowPipeline(pipeline_for(Settings().scanner)), lambda *a: None)
    feed = PreviewFeed()
    step = _tap_preview(worker, feed)  # what `kiosk scan-test --camera N --preview` wires
    root = PreviewRoot(feed)
    root.stop()  # this test steps it itself, faster than the app's 20 Hz clock
    window.add_widget(root)
    for _ in range(3):
        EventLoop.idle()  # laid out: the box lands on the window where the code is
    drawn: list[tuple[str, str]] = []
    shots = Path(os.environ.get("SCANNER_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    shot: Path | None = None
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while worker.alive and time.monotonic() < deadline:
            step()  # the UI tick of scan-test's live loop...
            root.tick()  # ...then the preview's own: frame and overlay in one UI frame
            if root.drawn_box is not None and root.live.frame is not None:
                drawn.append((box_side(root.drawn_box), code_side(root.live.frame)))
                if shot is None and len(drawn) >= 5:  # a picture to look at
                    EventLoop.idle()  # draws this frame and its box
                    shot = Path(window.screenshot(name=str(shots / "preview-box.png")))
            time.sleep(0.005)
    finally:
        worker.stop()
        window.remove_widget(root)
    assert len(drawn) >= 10, drawn  # the box was really drawn, many times
    late = [pair for pair in drawn if pair[0] != pair[1]]
    assert late == [], f"{len(late)} of {len(drawn)} boxes drawn over another frame"
    assert shot is not None and shot.stat().st_size > 3000


def test_a_stuck_decoder_keeps_the_picture_live_without_a_box(tmp_path):
    """A decoder that fails on every frame still hands its frames over (no box), and when
    no decoded frame comes for STALE_S the camera's newest frame is shown, without a box."""
    from devices.scanner.decoders import Read
    from devices.scanner.sources import VideoFileSource
    from devices.scanner.worker import CameraWorker
    from kiosk.ui.scan_preview import STALE_S, PreviewFeed

    class Broken:
        def decode(self, frame):
            raise RuntimeError("decoder bug")

    handed: list[tuple[Any, list]] = []
    worker = CameraWorker(
        VideoFileSource(jumping_code_video(tmp_path / "j.avi", 6)), Broken(), print
    )
    worker.on_decoded = lambda frame, reads, ms: handed.append((frame, reads))
    worker.start()
    assert worker.wait_finished(10)
    assert handed and all(reads == [] for _, reads in handed)

    feed = PreviewFeed()
    first, newer = handed[0][0], np.zeros((H, W, 3), np.uint8)
    feed.on_decoded(first, [Read(CARD, "qr", (30, 100, 200, 300))], 5.0)
    assert feed.framed.frame is first and feed.framed.box() == (30, 100, 200, 300)
    feed.on_camera_frame(newer)  # the decoder is keeping up: its frame and box stay
    assert feed.framed.frame is first
    feed.decoded_at -= STALE_S  # ...until it has said nothing for STALE_S
    feed.on_camera_frame(newer)
    assert feed.framed.frame is newer and feed.framed.box() is None
