"""ScannerManager: every scanner the config names, one stream of debounced ScanEvents.

Why one manager: the flows want "a card was scanned", not cameras and ports. The manager
starts the configured sources (a camera, or a video file / image folder instead; a serial
scanner; a keyboard wedge), each in its own thread(s), cleans and debounces what they
read, and calls `on_event` from that thread. status() is for the heartbeat, `doctor` and
the technician screen. inject() is the bench device: a scan without hardware (demo).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from devices.scanner.camera_choice import CameraChoice, choose_camera
from devices.scanner.debounce import Debouncer
from devices.scanner.decoders import Read
from devices.scanner.events import ScanEvent
from devices.scanner.hid import HidScanner
from devices.scanner.pipeline import DecodePipeline
from devices.scanner.rpicam import RpicamSource
from devices.scanner.serial_scanner import SerialScanner
from devices.scanner.settings import ScannerSettings
from devices.scanner.sources import CameraSource, FrameSource, ImageFolderSource, VideoFileSource
from devices.scanner.text import clean_line
from devices.scanner.worker import CameraWorker

log = logging.getLogger(__name__)


class LineReader(Protocol):
    """A scanner that hands over whole lines from its own thread (serial, keyboard wedge)."""

    name: str
    status: str

    def start(self) -> None: ...

    def stop(self, timeout: float = 3.0) -> None: ...


def frame_source_for(
    settings: ScannerSettings, camera_source: str | CameraChoice = "v4l2"
) -> FrameSource | None:
    """The frame source the [scanner] section names: video file, image folder, camera or
    none; `camera_source` is [camera] source (v4l2, rpicam or auto: camera_choice.py), or
    a choice already made (doctor makes it with its own PATH and /sys)."""
    if settings.video_file:
        return VideoFileSource(settings.video_file, loop=True, realtime=True)
    if settings.image_dir:
        return ImageFolderSource(
            settings.image_dir, loop=True, delay_s=1 / max(1, settings.camera_fps)
        )
    if settings.camera is None or settings.camera == "":
        return None
    choice = (
        camera_source
        if isinstance(camera_source, CameraChoice)
        else choose_camera(camera_source, settings.camera)
    )
    args = (settings.camera, settings.camera_width, settings.camera_height, settings.camera_fps)
    autofocus = settings.camera_autofocus
    if choice.source == "rpicam":
        return RpicamSource(*args, autofocus=autofocus, executable=choice.executable)
    return CameraSource(*args, autofocus=autofocus)


def pipeline_for(settings: ScannerSettings, *, idle_retry_every: int = 3) -> DecodePipeline:
    """The decode pipeline the [scanner] section asks for (live camera: retries thinned when idle)."""
    return DecodePipeline(
        tuple(settings.formats),
        idle_retry_every=idle_retry_every,
        max_length=settings.max_payload_length,
        retry_budget_ms=settings.retry_budget_ms,
        use_pyzbar=settings.pyzbar_fallback,
    )


class ScannerManager:
    def __init__(
        self,
        settings: ScannerSettings,
        on_event: Callable[[ScanEvent], None],
        *,
        frame_source: FrameSource | None = None,
        use_config_sources: bool = True,
        camera_source: str | CameraChoice = "v4l2",
    ) -> None:
        """`frame_source` replaces the configured camera (the demo's simulated camera);
        `camera_source` is [camera] source (how a configured camera is read)."""
        self.settings = settings
        self.on_event = on_event
        self.debouncer = Debouncer(settings.debounce_s)
        self.max_length = settings.max_payload_length
        self.camera: CameraWorker | None = None
        self.lines: list[LineReader] = []
        source = frame_source or (
            frame_source_for(settings, camera_source) if use_config_sources else None
        )
        if source is not None:
            self.camera = CameraWorker(
                source, pipeline_for(settings), self._on_read, stop_at_end=False
            )
        if use_config_sources and settings.serial_port:
            self.lines.append(
                SerialScanner(
                    settings.serial_port,
                    self._on_line,
                    baudrate=settings.serial_baudrate,
                    terminator=settings.serial_terminator,
                    idle_gap_ms=settings.serial_idle_gap_ms,
                    max_length=self.max_length,
                )
            )
        if use_config_sources and settings.hid_device:
            self.lines.append(
                HidScanner(settings.hid_device, self._on_line, max_length=self.max_length)
            )

    def start(self) -> None:
        if self.camera:
            self.camera.start()
        for line in self.lines:
            line.start()

    def stop(self) -> None:
        if self.camera:
            self.camera.stop()
        for line in self.lines:
            line.stop()

    def status(self) -> dict[str, str]:
        """Source name -> "ok" | "unplugged" | "retrying in 4s" | "starting" | "ended" |
        "no frames for 5s" (an open camera that went quiet)."""
        out: dict[str, str] = {}
        if self.camera:
            out[self.camera.source.name] = self.camera.health()
        for line in self.lines:
            out[line.name] = line.status
        return out

    def inject(self, text: str, symbology: str = "inject", source: str = "inject") -> bool:
        """A scan without hardware (bench device, demo); True when it became an event."""
        return self._emit(text, symbology, source)

    # -- from the worker threads -------------------------------------------------------
    def _on_read(self, read: Read, origin: str, ms: float) -> None:
        # the event's time is the frame's capture time, so latency figures include decoding
        self._emit(read.text, read.symbology, origin, at=time.monotonic() - ms / 1000)

    def _on_line(self, text: str, source: str) -> None:
        kind = source.split(":", 1)[0]
        self._emit(text, "keyboard" if kind == "hid" else kind, source)  # as ScanEvent documents

    def _emit(self, text: str, symbology: str, source: str, at: float | None = None) -> bool:
        clean = clean_line(text, self.max_length)
        if clean is None or not self.debouncer.accept(clean):
            return False
        try:
            self.on_event(
                ScanEvent(clean, symbology, source, time.monotonic() if at is None else at)
            )
        except Exception:  # the consumer's bug must not kill a scanner thread
            log.exception("on_event failed for a scan from %s", source)
        return True
