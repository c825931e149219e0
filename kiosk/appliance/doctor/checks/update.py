"""The running release, the fallback, and how the last update ended (issue 18).

Green: version and previous, last update ok (or none yet). Yellow: the last update was
rolled back or refused (with its reason: the technician's next step), a release is on
trial, or no trusted release key is installed (every update would be refused). Never
red: the kiosk runs, on some release; this check says which and why.
"""

from __future__ import annotations

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, yellow
from kiosk.appliance.updates.signing import trusted_keys
from kiosk.appliance.updates.status import status, summary

NAME = "update"
ORDER = 105
REQUIRED = False


def check(ctx: DoctorContext) -> CheckResult:
    if ctx.settings is None:
        return yellow("config not loaded: update state not read", required=False)
    cfg = ctx.settings.update
    try:
        st = status(cfg.releases_dir, ctx.settings.device.state_dir)
    except OSError as exc:
        return yellow(f"cannot read the update state: {exc}", required=False)
    line = summary(st)
    last = st["last_result"] or {}
    if st["current"] is None:
        return green(f"{line}; not installed from the .deb (no {cfg.releases_dir}/current)",
                     required=False)  # fmt: skip
    if last.get("result") == "rolled-back":
        return yellow(line, f"fix {last.get('version')} before trying again: its last log "
                      "lines are in `sudo kiosk update --status --json` (last_result.log)",
                      required=False)  # fmt: skip
    if last.get("result") == "refused":
        return yellow(line, "see docs/updates.md (exit codes) for what to do", required=False)
    if not trusted_keys(cfg.keys_dir):
        return yellow(f"{line}; no trusted release key in {cfg.keys_dir}",
                      f"copy the release public key (*.pub) into {cfg.keys_dir}/",
                      required=False)  # fmt: skip
    if st["trial"]:
        return yellow(line, "wait: a new release is proving itself (5 min)", required=False)
    return green(line, required=False)
