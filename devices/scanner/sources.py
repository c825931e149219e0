"""Frame sources: a V4L2 camera, a video file, a folder of images, a simulated phone.

Why one small interface (open / read / close, errors as SourceError): the capture thread
(worker.py) treats every source the same way, so unplug handling, backoff and the
frame-dropping mailbox are written once and tested with a video file instead of a camera.
read() returns (frame, origin) where origin names the frame's source (the image path for
an image folder, so scan-test can say which file a payload came from), or None at the end.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol, cast

import cv2
import numpy as np

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")
Frame = tuple[np.ndarray, str]


class SourceError(Exception):
    """The source failed (unplugged, unreadable); the worker reopens it with backoff."""


class FrameSource(Protocol):
    name: str

    def open(self) -> None: ...

    def read(self) -> Frame | None: ...

    def close(self) -> None: ...


class CameraSource:
    """A V4L2 camera through OpenCV, with resolution, fps, autofocus and exposure where supported."""

    def __init__(
        self,
        device: int | str,
        width: int = 1280,
        height: int = 720,
        fps: int = 30,
        autofocus: bool = True,
        exposure: float | None = None,
    ) -> None:
        self.device = device
        self.width, self.height, self.fps = width, height, fps
        self.autofocus, self.exposure = autofocus, exposure
        self.name = f"camera:{device}"
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        dev = int(self.device) if str(self.device).isdigit() else str(self.device)
        # bounded waits: an unplugged camera must fail a read, not hang the capture thread
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, 3000, cv2.CAP_PROP_READ_TIMEOUT_MSEC, 2000]
        cap = cv2.VideoCapture(dev, cv2.CAP_V4L2, params)
        if not cap.isOpened():
            cap.release()
            raise SourceError(
                f"cannot open camera {self.device} (unplugged, or not in 'video' group?)"
            )
        # MJPG lets USB2 cameras deliver 720p at 30 fps; unsupported settings are ignored
        cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        cap.set(cv2.CAP_PROP_FPS, self.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a stale queue
        cap.set(cv2.CAP_PROP_AUTOFOCUS, 1 if self.autofocus else 0)
        if self.exposure is not None:
            cap.set(cv2.CAP_PROP_AUTO_EXPOSURE, 1)  # V4L2: 1 = manual
            cap.set(cv2.CAP_PROP_EXPOSURE, self.exposure)
        self._cap = cap

    def read(self) -> Frame | None:
        if self._cap is None:
            raise SourceError("camera not open")
        ok, got = self._cap.read()
        frame = cast("np.ndarray | None", got)  # None after a failed read, whatever cv2's stub says
        if not ok or frame is None:
            raise SourceError(f"camera {self.device} stopped delivering frames (unplugged?)")
        return frame, self.name

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class VideoFileSource:
    """Frames of a video file; `realtime` paces them at the file's fps like a camera would."""

    def __init__(self, path: Path | str, *, loop: bool = False, realtime: bool = False) -> None:
        self.path = Path(path)
        self.loop, self.realtime = loop, realtime
        self.name = f"video:{self.path}"
        self._cap: cv2.VideoCapture | None = None
        self._next_at = 0.0
        self._period = 0.0

    def open(self) -> None:
        if not self.path.is_file():
            raise SourceError(f"video file not found: {self.path}")
        cap = cv2.VideoCapture(str(self.path))
        if not cap.isOpened():
            raise SourceError(f"cannot decode video file: {self.path}")
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        self._period = 1.0 / fps if fps > 0 else 1 / 30
        self._next_at = time.monotonic()
        self._cap = cap

    def read(self) -> Frame | None:
        if self._cap is None:
            raise SourceError("video not open")
        ok, frame = self._cap.read()
        if not ok and self.loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        if not ok:
            return None
        if self.realtime:
            self._next_at += self._period
            delay = self._next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        return frame, self.name

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class ImageFolderSource:
    """Every image of a folder in name order; origin = the image's path."""

    def __init__(self, folder: Path | str, *, loop: bool = False, delay_s: float = 0.0) -> None:
        self.folder = Path(folder)
        self.loop, self.delay_s = loop, delay_s
        self.name = f"images:{self.folder}"
        self._files: list[Path] = []
        self._i = 0

    def open(self) -> None:
        if not self.folder.is_dir():
            raise SourceError(f"image folder not found: {self.folder}")
        self._files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        self._i = 0

    def read(self) -> Frame | None:
        while True:
            if self._i >= len(self._files):
                if not (self.loop and self._files):
                    return None
                self._i = 0
            path = self._files[self._i]
            self._i += 1
            frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if frame is not None:  # unreadable files are skipped, not fatal
                if self.delay_s:
                    time.sleep(self.delay_s)
                return frame, str(path)

    def close(self) -> None:
        self._files = []


class SimulatedCamera:
    """A camera for the demo and bench rigs: an empty counter until a phone is shown.

    show(text, symbology) puts a phone showing that code in front of the "camera" for
    `hold_s` seconds; frames come at `fps` so the worker sees a real stream.

    Why also `min_frames`: on a loaded machine the worker may read its next frame only
    after `hold_s` is over, and a phone that was "shown" to no frame is a scan the demo
    waits for in vain. The phone stays until the worker was handed at least `min_frames`
    of it, as a customer keeps holding a phone until the kiosk beeps.
    """

    def __init__(
        self,
        size: tuple[int, int] = (1280, 720),
        fps: float = 15.0,
        hold_s: float = 1.5,
        min_frames: int = 3,
    ) -> None:
        self.size, self.fps, self.hold_s, self.min_frames = size, fps, hold_s, min_frames
        self.name = "camera:simulated"
        w, h = size
        self._empty = np.full((h, w, 3), 90, dtype=np.uint8)
        self._showing: np.ndarray | None = None
        self._until = 0.0
        self._frames_left = 0
        self.shown_text = ""  # the code last shown, and when a frame last carried it
        self.last_shown_at = 0.0

    def show(self, text: str, symbology: str = "qr", *, tier: str = "mild", seed: int = 0) -> None:
        from devices.scanner.synth import render_phone_frame

        self._showing = render_phone_frame(text, symbology, self.size, tier=tier, seed=seed)
        self._until = time.monotonic() + self.hold_s
        self._frames_left = self.min_frames
        self.shown_text = text

    @property
    def showing(self) -> bool:
        """A phone is in front of the camera now (shown, and its time or frames not over)."""
        return self._showing is not None and (
            time.monotonic() < self._until or self._frames_left > 0
        )

    def open(self) -> None:
        pass

    def read(self) -> Frame | None:
        time.sleep(1.0 / self.fps)
        now = time.monotonic()
        if self._showing is not None and self.showing:
            self._frames_left -= 1
            self.last_shown_at = now
            return self._showing, self.name
        return self._empty, self.name

    def close(self) -> None:
        pass
