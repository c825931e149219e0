"""The service user is in the groups that open the hardware (video render input dialout lp)."""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
from collections.abc import Iterable

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow

NAME = "groups"
ORDER = 110
REQUIRED = True
NEEDED = ("video", "render", "input", "dialout", "lp")


def groups_of(user: str) -> set[str]:
    pw = pwd.getpwnam(user)
    names = {g.gr_name for g in grp.getgrall() if user in g.gr_mem}
    with contextlib.suppress(KeyError):  # primary group without a name: ignore it
        names.add(grp.getgrgid(pw.pw_gid).gr_name)
    return names


def evaluate(user: str, member_of: set[str], existing: Iterable[str]) -> CheckResult:
    """Pure decision, tested without touching /etc/group."""
    existing = set(existing)
    absent = [g for g in NEEDED if g not in existing]
    missing = [g for g in NEEDED if g in existing and g not in member_of]
    if missing:
        return red(
            f"user '{user}' is not in: {', '.join(missing)}",
            f"sudo usermod -aG {','.join(missing)} {user} (or sudo kiosk install-service), then restart",
        )
    if absent:
        return yellow(
            f"user '{user}' OK; groups not on this system: {', '.join(absent)}",
            "fine on older images; on Raspberry Pi OS all five exist",
        )
    return green(f"user '{user}' is in {', '.join(NEEDED)}")


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    # root (sudo kiosk doctor) checks the service user; anyone else checks themselves
    user = ctx.settings.device.user if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    try:
        member_of = groups_of(user)
    except KeyError:
        return red(f"user '{user}' does not exist", "sudo kiosk install-service creates it")
    return evaluate(user, member_of, (g.gr_name for g in grp.getgrall()))
