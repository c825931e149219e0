"""The clock is plausible and synchronised (TLS and voucher expiry depend on it)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow

NAME = "clock"
ORDER = 40
REQUIRED = True
NEEDS_SETTINGS = False
SANE_AFTER = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # a Pi has no RTC: it boots in the past
TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")


def ntp_synchronized() -> bool | None:
    """True/False from systemd, or None when this system cannot tell."""
    if TIMESYNC_FLAG.exists():
        return True
    if shutil.which("timedatectl"):
        try:
            out = subprocess.run(
                ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                capture_output=True,
                text=True,
                timeout=3,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if out.returncode == 0 and out.stdout.strip() in ("yes", "no"):
            return out.stdout.strip() == "yes"
    return None


def check(ctx: DoctorContext) -> CheckResult:
    now = dt.datetime.now(dt.UTC)
    if now < SANE_AFTER:
        return red(
            f"the clock says {now:%Y-%m-%d %H:%M} UTC, which cannot be right",
            "enable time sync: sudo timedatectl set-ntp true, and let NTP (UDP 123) through",
        )
    synced = ntp_synchronized()
    if synced is True:
        return green(f"synchronised ({now:%Y-%m-%d %H:%M:%S} UTC)")
    if synced is False:
        return yellow(
            f"not synchronised yet ({now:%Y-%m-%d %H:%M:%S} UTC)",
            "sudo timedatectl set-ntp true; check the network allows NTP (UDP 123)",
        )
    return yellow(
        f"cannot tell whether the clock is synchronised ({now:%Y-%m-%d %H:%M:%S} UTC)",
        "on the kiosk: systemd-timesyncd should be running (timedatectl status)",
    )
