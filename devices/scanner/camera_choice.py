"""Which camera path a kiosk uses: V4L2 through OpenCV, or rpicam-vid for the Pi camera.

Why a rule instead of trying both: a USB (UVC) camera is a V4L2 device that OpenCV reads
directly, while the Pi Camera Module on the ribbon cable is driven by libcamera and only
rpicam-vid (libcamera-vid) can read it. `[camera] source = "auto"` picks rpicam only when
both the program and a connected ribbon camera are there, so a Pi with rpicam-apps
installed and a USB camera plugged in keeps using V4L2. The reason travels with the
choice, so `kiosk doctor` can say which path it took and why.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices.scanner.rpicam import csi_camera_nodes, find_rpicam

SOURCES = ("v4l2", "rpicam", "auto")


@dataclass(frozen=True)
class CameraChoice:
    source: str  # "v4l2" or "rpicam"
    why: str
    executable: str | None = None

    def describe(self) -> str:
        return f"camera source {self.source} ({self.why})"


def choose_camera(
    requested: str,
    camera: int | str | None,
    *,
    which: Callable[[str], str | None] = shutil.which,
    sys_root: Path = Path("/sys"),
) -> CameraChoice:
    """The path for `[camera] source` (v4l2, rpicam or auto) and `[scanner] camera`."""
    if requested == "v4l2":
        return CameraChoice("v4l2", 'source = "v4l2"')
    exe = find_rpicam(which)
    if requested == "rpicam":
        return CameraChoice("rpicam", 'source = "rpicam"', exe)
    if str(camera).startswith("/dev/"):
        return CameraChoice("v4l2", f"auto: [scanner] camera names the device {camera}")
    if exe is None:
        return CameraChoice("v4l2", "auto: no rpicam-vid or libcamera-vid installed")
    nodes = csi_camera_nodes(sys_root)
    if not nodes:
        return CameraChoice("v4l2", f"auto: {exe} installed but no ribbon camera connected")
    return CameraChoice("rpicam", f"auto: ribbon camera ({nodes[0]}) and {exe}", exe)
