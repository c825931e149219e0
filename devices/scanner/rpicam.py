"""The Raspberry Pi camera (CSI ribbon, libcamera) as a frame source: MJPEG from rpicam-vid.

Why a child process: on Raspberry Pi OS bookworm the Camera Module is driven by libcamera,
and OpenCV's V4L2 backend cannot read it (the /dev/video nodes are raw sensor pipes, not
cameras). `rpicam-vid --codec mjpeg -o -` (called `libcamera-vid` on older releases) does
the ISP work and writes a stream of JPEG images to stdout; this source cuts that stream at
the JPEG markers (SOI FFD8 ... EOI FFD9, which cannot occur inside the entropy-coded data
because 0xFF is byte-stuffed there) and decodes the newest complete image. When the
process dies or goes quiet, read() raises SourceError and the capture thread (worker.py)
reopens it with backoff, like an unplugged USB camera.
"""

from __future__ import annotations

import collections
import os
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from devices.scanner.sources import Frame, SourceError

EXECUTABLES = ("rpicam-vid", "libcamera-vid")  # bookworm name first, then bullseye's
CSI_RECEIVERS = ("unicam", "rp1-cfe")
SOI, EOI = b"\xff\xd8", b"\xff\xd9"
CHUNK = 1 << 16
MAX_BUFFER = 8 << 20  # no JPEG end in 8 MiB: the stream is not MJPEG, start over
FIRST_FRAME_S = 10.0  # libcamera's start-up (sensor probe, ISP tuning) before frame one


def find_rpicam(which: Callable[[str], str | None] = shutil.which) -> str | None:
    """Path of rpicam-vid, else libcamera-vid, else None."""
    for name in EXECUTABLES:
        path = which(name)
        if path:
            return path
    return None


def csi_camera_nodes(sys_root: Path = Path("/sys")) -> list[str]:
    """Names of V4L2 nodes that belong to a connected CSI camera: the Pi 0-4 receiver
    (unicam) and the Pi 5 one (rp1-cfe) register their nodes only once a sensor is bound."""
    names: list[str] = []
    for node in sorted((sys_root / "class" / "video4linux").glob("video*")):
        try:
            name = (node / "name").read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if name.startswith(CSI_RECEIVERS):
            names.append(name)
    return names


class MjpegCutter:
    """Bytes in, complete JPEG images out (the newest one; older ones are dropped)."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> bytes | None:
        """Add stream bytes; the newest complete JPEG they finish, or None."""
        self._buf += data
        newest = None
        while True:
            start = self._buf.find(SOI)
            if start < 0:
                self._buf.clear()
                break
            end = self._buf.find(EOI, start + 2)
            if end < 0:
                del self._buf[:start]
                if len(self._buf) > MAX_BUFFER:
                    self._buf.clear()
                break
            newest = bytes(self._buf[start : end + 2])
            del self._buf[: end + 2]
        return newest


class RpicamSource:
    """The Pi camera through rpicam-vid (or libcamera-vid) writing MJPEG to a pipe."""

    def __init__(
        self,
        camera: int | str = 0,
        width: int = 1280,
        height: int = 720,
        fps: int = 30,
        autofocus: bool = True,
        *,
        executable: str | None = None,
        read_timeout_s: float = 3.0,
    ) -> None:
        self.camera = camera
        self.width, self.height, self.fps = width, height, fps
        self.autofocus = autofocus
        self.executable = executable
        self.read_timeout_s = read_timeout_s
        self.name = f"rpicam:{camera}"
        self._proc: subprocess.Popen[bytes] | None = None
        self._cutter = MjpegCutter()
        self._stderr: collections.deque[str] = collections.deque(maxlen=20)
        self._started = False  # a frame came since open(): later reads get read_timeout_s

    def command(self, executable: str) -> list[str]:
        """The command line: endless (-t 0), no preview window, MJPEG to stdout."""
        cmd = [executable, "--codec", "mjpeg", "-o", "-", "-t", "0", "--nopreview"]
        cmd += ["--width", str(self.width), "--height", str(self.height)]
        cmd += ["--framerate", str(self.fps)]
        if str(self.camera).isdigit():
            cmd += ["--camera", str(int(self.camera))]
        if self.autofocus:  # ignored by rpicam-apps on modules without autofocus
            cmd += ["--autofocus-mode", "continuous"]
        return cmd

    def open(self) -> None:
        exe = self.executable or find_rpicam()
        if exe is None:
            raise SourceError(
                "rpicam-vid not found (sudo apt install rpicam-apps-lite), "
                'or set [camera] source = "v4l2" for a USB camera'
            )
        self._stderr.clear()
        self._cutter = MjpegCutter()
        self._started = False
        try:
            self._proc = subprocess.Popen(
                self.command(exe),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,
            )
        except OSError as exc:
            raise SourceError(f"cannot start {exe}: {exc.strerror}") from exc
        threading.Thread(
            target=self._drain_stderr, args=(self._proc,), name="rpicam stderr", daemon=True
        ).start()

    def read(self) -> Frame | None:
        proc = self._proc
        if proc is None or proc.stdout is None:
            raise SourceError("camera not open")
        wait_s = self.read_timeout_s if self._started else max(self.read_timeout_s, FIRST_FRAME_S)
        deadline = time.monotonic() + wait_s
        fd = proc.stdout.fileno()
        jpeg = None
        while jpeg is None or (_readable(fd, 0) and time.monotonic() < deadline):
            left = deadline - time.monotonic()
            if jpeg is None and (left <= 0 or not _readable(fd, left)):
                raise SourceError(f"{self.name}: no frame for {wait_s:g}s")
            data = os.read(fd, CHUNK)
            if not data:
                raise SourceError(self._why_ended(proc))
            jpeg = self._cutter.feed(data) or jpeg
        frame = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        if frame is None:
            raise SourceError(f"{self.name}: a frame was not a readable JPEG")
        self._started = True
        return frame, self.name

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=2)
        if proc.stdout is not None:
            proc.stdout.close()

    def _why_ended(self, proc: subprocess.Popen[bytes]) -> str:
        try:
            code = proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
        said = self._stderr[-1] if self._stderr else "nothing on stderr"
        status = "closed its output" if code is None else f"exited with code {code}"
        program = proc.args[0] if isinstance(proc.args, list) else proc.args  # started with a list
        return f"{os.path.basename(str(program))} {status} ({said})"

    def _drain_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        """Keep the last lines (for the error message) and never let the pipe fill up."""
        assert proc.stderr is not None
        with proc.stderr:
            for raw in proc.stderr:
                line = raw.decode("utf-8", "replace").strip()
                if line:
                    self._stderr.append(line)


def _readable(fd: int, timeout: float) -> bool:
    ready, _, _ = select.select([fd], [], [], timeout)
    return bool(ready)
