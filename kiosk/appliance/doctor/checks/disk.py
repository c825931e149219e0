"""The state folder exists, is writable, and has room (the outbox lives there)."""

from __future__ import annotations

import os
import shutil

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow

NAME = "disk"
ORDER = 50
REQUIRED = True
RED_MB = 100
YELLOW_MB = 500


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    folder = ctx.settings.device.state_dir
    if not folder.is_dir():
        return red(
            f"state folder {folder} does not exist",
            "sudo kiosk install-service creates it (or set [device] state_dir)",
        )
    probe = folder / f".doctor-{os.getpid()}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return red(
            f"cannot write in {folder}: {exc.strerror or exc}",
            f"sudo chown -R kiosk:kiosk {folder} (or check the SD card is not read-only)",
        )
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    if free_mb < RED_MB:
        return red(
            f"only {free_mb} MB free in {folder}", "free space: sudo journalctl --vacuum-size=50M"
        )
    if free_mb < YELLOW_MB:
        return yellow(f"{free_mb} MB free in {folder}", "free some space soon (old logs, images)")
    return green(f"{folder} writable, {free_mb} MB free")
