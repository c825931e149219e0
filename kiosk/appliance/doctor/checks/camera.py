"""The camera (or the configured video file / image folder) opens and delivers frames.

The message starts with the camera source that was chosen ([camera] source: v4l2, rpicam,
or auto and why), so a technician sees at once which path the kiosk takes.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow
from kiosk.appliance.doctor.base_optional import load

NAME = "camera"
ORDER = 70
REQUIRED = True
FRAMES = 5
READ_BUDGET_S = 4.0


def _device_path(ctx: DoctorContext, camera: int | str) -> Path | None:
    """/dev/videoN for an index, the path itself for a path; None for other URLs."""
    if isinstance(camera, int) or str(camera).isdigit():
        return ctx.dev_dir / f"video{int(camera)}"
    return Path(camera) if str(camera).startswith("/") else None


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    sc = ctx.settings.scanner
    using_camera = not sc.video_file and not sc.image_dir
    if using_camera and sc.camera in (None, ""):
        return green("no camera configured (serial/HID scanner only)", required=False)
    manager = load("devices.scanner.manager")
    if isinstance(manager, CheckResult):
        return manager
    if not using_camera:
        return _read_frames(manager.frame_source_for(sc))
    choice = manager.choose_camera(
        ctx.settings.camera.source,
        sc.camera,
        which=lambda name: shutil.which(name, path=ctx.environ.get("PATH")),
        sys_root=ctx.sys_dir,
    )
    read = _rpicam if choice.source == "rpicam" else _v4l2
    result = read(ctx, manager, choice)
    return replace(result, message=f"{choice.describe()}: {result.message}")


def _v4l2(ctx: DoctorContext, manager: ModuleType, choice: Any) -> CheckResult:
    assert ctx.settings is not None
    sc = ctx.settings.scanner
    path = _device_path(ctx, sc.camera)
    if path is not None and not path.exists():
        return red(
            f"camera {path} not found",
            "plug the USB camera in; list them: ls /dev/video*; then set [scanner] camera. "
            'A Pi Camera Module (ribbon cable) needs [camera] source = "rpicam"',
        )
    result = _read_frames(manager.frame_source_for(sc, choice))
    if result.status == "red" and path is not None:
        holder = holder_of(path)
        if holder is not None:  # `sudo kiosk doctor` while the kiosk itself streams
            return _in_use(f"{path} is in use by process {holder[0]} ({holder[1]})")
    return result


def _rpicam(ctx: DoctorContext, manager: ModuleType, choice: Any) -> CheckResult:
    assert ctx.settings is not None
    if choice.executable is None:
        return red(
            "rpicam-vid (or libcamera-vid) is not installed",
            'sudo apt install rpicam-apps-lite; or, for a USB camera, [camera] source = "v4l2"',
        )
    result = _read_frames(manager.frame_source_for(ctx.settings.scanner, choice))
    if result.status == "red":
        holder = camera_app_running()
        if holder is not None:
            return _in_use(f"the Pi camera is in use by process {holder[0]} ({holder[1]})")
        return replace(
            result,
            fix="check the ribbon cable and camera_auto_detect=1 in /boot/firmware/config.txt; "
            "'rpicam-hello --list-cameras' must list the camera",
        )
    return result


def _in_use(what: str) -> CheckResult:
    return yellow(
        f"{what}, so it cannot be tested now",
        "that is normally the running kiosk (fine); to test anyway: "
        "sudo systemctl stop kiosk, run doctor, then start it again",
    )


def camera_app_running(proc: Path = Path("/proc")) -> tuple[int, str] | None:
    """(pid, name) of a running rpicam-vid / libcamera-vid: libcamera lets one process
    have the camera, so that is normally the kiosk's own."""
    for comm in proc.glob("[0-9]*/comm"):
        try:
            name = comm.read_text().strip()
        except OSError:
            continue
        if name in ("rpicam-vid", "libcamera-vid"):
            return int(comm.parent.name), name
    return None


def holder_of(device: Path, proc: Path = Path("/proc")) -> tuple[int, str] | None:
    """(pid, command) of another process holding `device` open, if this user may see it."""
    target = str(device.resolve())
    for fd_dir in proc.glob("[0-9]*/fd"):
        pid = int(fd_dir.parent.name)
        if pid == os.getpid():
            continue
        try:
            for fd in fd_dir.iterdir():
                if os.readlink(fd) == target:
                    comm = (fd_dir.parent / "comm").read_text().strip()
                    return pid, comm
        except OSError:  # the process ended, or it is not ours to look at
            continue
    return None


def _read_frames(source) -> CheckResult:
    sources = load("devices.scanner.sources")
    source_error = (
        getattr(sources, "SourceError", OSError)
        if not isinstance(sources, CheckResult)
        else OSError
    )
    t0 = time.monotonic()
    try:
        source.open()
    except source_error as exc:
        return red(str(exc), "check the cable and that the service user is in the video group")
    shape, frames = None, 0
    try:
        while frames < FRAMES and time.monotonic() - t0 < READ_BUDGET_S:
            got = source.read()
            if got is None:
                break
            shape = got[0].shape
            frames += 1
    except source_error as exc:
        return red(f"{source.name}: {exc}", "replug the camera; try another USB port or cable")
    finally:
        source.close()
    ms = int((time.monotonic() - t0) * 1000)
    if frames == 0:
        return red(
            f"{source.name} opened but delivered no frame",
            "replug the camera; check it works with another app (v4l2-ctl --stream-mmap, "
            "or rpicam-hello for the Pi camera)",
        )
    h, w = shape[:2]
    return green(f"{source.name}: {frames} frames {w}x{h} in {ms} ms")
