"""The shop's settings from the cloud (issue 19): in use, overridden by kiosk.toml, or
rejected. A rejected set is yellow, never red: the kiosk runs on its last good set, and
the fix is in the shop's admin, not on the kiosk."""

from __future__ import annotations

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, yellow
from kiosk.cloud_settings import LIVE_KEYS, CloudStore, effective

NAME = "cloud_settings"
ORDER = 106
REQUIRED = False


def check(ctx: DoctorContext) -> CheckResult:
    if ctx.settings is None:
        return yellow("config not loaded: cloud settings not read", required=False)
    stored = CloudStore(ctx.settings.device.state_dir).load()
    eff = effective(ctx.settings, stored.good)
    in_use = sorted(k for k, src in eff.sources.items() if src == "cloud")
    names = ", ".join(f"[{s}] {k}" for s, k in in_use) or "none"
    line = f"from the cloud: {names}" + (f" (since {stored.good_at})" if stored.good_at else "")
    restart = [f"[{s}] {k}" for s, k in in_use if (s, k) not in LIVE_KEYS]
    if restart:
        line += f"; {', '.join(restart)} take effect at the next start"
    if eff.overridden:
        won = ", ".join(f"[{s}] {k}" for s, k in sorted(eff.overridden))
        line += f"; kiosk.toml wins over the cloud for {won}"
    if stored.problems:
        return yellow(
            f"cloud settings rejected at {stored.rejected_at}, last good set kept ({line}): "
            + "; ".join(stored.problems),
            "correct the shop's settings in the cloud (POST /admin/device-settings); "
            "the kiosk takes them at its next poll",
            required=False,
        )
    return green(line, required=False)
