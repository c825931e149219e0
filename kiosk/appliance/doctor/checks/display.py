"""A display the kiosk can draw on: KMS/DRM node (or a desktop session) and GL libraries."""

from __future__ import annotations

import ctypes.util
import os

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red

NAME = "display"
ORDER = 60
REQUIRED = True
NEEDS_SETTINGS = False


def check(ctx: DoctorContext) -> CheckResult:
    missing = [lib for lib in ("EGL", "GLESv2") if not ctypes.util.find_library(lib)]
    if missing:
        return red(
            "GL libraries missing: " + ", ".join(f"lib{m}" for m in missing),
            "sudo apt-get install libegl1 libgles2 libgl1-mesa-dri libgbm1",
        )
    if ctx.environ.get("DISPLAY") or ctx.environ.get("WAYLAND_DISPLAY"):
        return green("desktop session (DISPLAY/WAYLAND_DISPLAY set); GL libraries present")
    cards = sorted((ctx.dev_dir / "dri").glob("card*"))
    if not cards:
        return red(
            f"no KMS display device ({ctx.dev_dir}/dri/card*)",
            "enable KMS: dtoverlay=vc4-kms-v3d in /boot/firmware/config.txt, then reboot",
        )
    usable = [c for c in cards if os.access(c, os.R_OK | os.W_OK)]
    if not usable:
        return red(
            f"{cards[0]} exists but this user may not open it",
            "add the user to the video and render groups (sudo kiosk install-service does)",
        )
    return green(f"KMS device {usable[0]} usable; GL libraries present")
