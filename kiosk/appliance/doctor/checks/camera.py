"""The camera (or the configured video file / image folder) opens and delivers frames."""

from __future__ import annotations

import os
import time
from pathlib import Path

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
    if using_camera and (sc.camera is None or sc.camera == ""):
        return green("no camera configured (serial/HID scanner only)", required=False)
    camera = sc.camera
    path = _device_path(ctx, camera) if using_camera and camera is not None else None
    if using_camera and path is not None and not path.exists():
        return red(
            f"camera {path} not found",
            "plug the camera in (USB) or enable the CSI camera; list them: ls /dev/video*; "
            "then set [scanner] camera",
        )
    manager = load("devices.scanner.manager")
    if isinstance(manager, CheckResult):
        return manager
    result = _read_frames(manager.frame_source_for(sc))
    if result.status == "red" and using_camera and path is not None:
        holder = holder_of(path)
        if holder is not None:  # `sudo kiosk doctor` while the kiosk itself streams
            return yellow(
                f"{path} is in use by process {holder[0]} ({holder[1]}), so it cannot be "
                "tested now",
                "that is normally the running kiosk (fine); to test anyway: "
                "sudo systemctl stop kiosk, run doctor, then start it again",
            )
    return result


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
            "replug the camera; check it works with another app (v4l2-ctl --stream-mmap)",
        )
    h, w = shape[:2] if shape is not None else (0, 0)
    return green(f"{source.name}: {frames} frames {w}x{h} in {ms} ms")
