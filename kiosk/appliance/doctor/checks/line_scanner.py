"""A configured serial scanner / NFC reader or HID (keyboard-wedge) scanner is present."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red

NAME = "line_scanner"
ORDER = 90
REQUIRED = True


def _usb_present(sys_dir: Path, vid_pid: str) -> bool:
    vid, _, pid = vid_pid.lower().partition(":")
    for dev in (sys_dir / "bus" / "usb" / "devices").glob("*"):
        try:
            if (dev / "idVendor").read_text().strip() == vid and (
                dev / "idProduct"
            ).read_text().strip() == pid:
                return True
        except OSError:
            continue
    return False


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    sc = ctx.settings.scanner
    found = []
    if sc.serial_port:
        port = Path(sc.serial_port)
        if not port.exists():
            return red(
                f"serial scanner {port} not found",
                "plug the scanner in (check the cable); list ports: ls /dev/ttyACM* /dev/ttyUSB*",
            )
        if not os.access(port, os.R_OK | os.W_OK):
            return red(
                f"serial scanner {port} present but not accessible",
                "add the service user to the dialout group (sudo kiosk install-service does)",
            )
        found.append(f"serial {port}")
    if sc.hid_device:
        if not _usb_present(ctx.sys_dir, sc.hid_device):
            return red(
                f"HID scanner {sc.hid_device} not on the USB bus",
                "plug it in; check its VID:PID with lsusb and [scanner] hid_device",
            )
        found.append(f"HID {sc.hid_device}")
    if not found:
        return green("no serial/HID scanner configured (camera only)", required=False)
    return green(", ".join(found) + " present")
