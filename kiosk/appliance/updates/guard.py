"""Root's half of the health gate: kiosk.service's ExecStartPre and the health timer.

    ExecStartPre=+/opt/stamp-kiosk/current/venv/bin/python -m kiosk.appliance.updates.guard pre-start

Why in ExecStartPre: it runs before every start, a crash loop included, and after a power
cut, so "three restarts within five minutes" is counted where the restarts happen, and a
rollback switches `current` before ExecStart= resolves it (the same start then runs the
previous release). Why a timer too: a release that hangs without READY=1 is only restarted
after TimeoutStartSec; the timer (systemd-run --on-active=health_timeout_s) rolls it back
on time and restarts the kiosk. Both act on the same trial file, so whichever comes first
wins and the other finds nothing to do.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.appliance.updates.releases import Layout
from kiosk.appliance.updates.trial import Store, Trial, decide, health_due

log = logging.getLogger("kiosk.update_guard")
UNIT = "kiosk.service"
LOG_LINES = 20

Arm = Callable[[float], None]


def journal_tail(lines: int = LOG_LINES) -> list[str]:
    """The kiosk's last log lines (kept with a rollback: what went wrong, for the technician)."""
    try:
        out = subprocess.run(
            ["journalctl", "-u", UNIT, "-n", str(lines), "-o", "cat", "--no-pager"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return out.stdout.splitlines()[-lines:]


def rollback(
    layout: Layout, store: Store, trial: Trial, reason: str, now: float, tail: list[str]
) -> dict[str, Any]:
    """Switch back to the release before the trial and record why, with the last log lines."""
    layout.switch(current=trial.previous, previous=trial.version)
    result = {
        "result": "rolled-back",
        "version": trial.version,
        "to": trial.previous,
        "at": now,
        "after_s": round(now - trial.switched_at, 1),
        "reason": reason,
        "log": tail,
    }
    store.record(result)
    store.clear_trial()
    log.error("update to %s rolled back to %s: %s", trial.version, trial.previous, reason)
    return result


def pre_start(
    layout: Layout,
    store: Store,
    now: float,
    arm: Arm,
    tail: Callable[[], list[str]] = journal_tail,
) -> str:
    """Everything before a start; returns the action taken (for the journal and tests)."""
    layout.clean_staging()
    trial = store.trial()
    action, why = decide(trial, layout.current(), now)
    if trial is None:
        return action
    if action == "stale":
        store.record({"result": "interrupted", "version": trial.version, "at": now,
                      "reason": why, "running": layout.current()})  # fmt: skip
        store.clear_trial()
    elif action == "commit":
        store.clear_trial()
    elif action == "rollback":
        rollback(layout, store, trial, why, now, tail())
    else:
        trial.starts.append(now)
        store.save_trial(trial)
        if trial.ready_at is None:
            arm(trial.health_timeout_s - (now - trial.starts[0]))
    return action


def health_check(
    layout: Layout,
    store: Store,
    now: float,
    restart: Callable[[], None],
    tail: Callable[[], list[str]] = journal_tail,
) -> str:
    """What the health timer runs: roll back (and restart) a release still not READY."""
    trial = store.trial()
    due, _left = health_due(trial, layout.current(), now)
    if not due or trial is None:
        return "healthy" if trial is None or trial.ready_at is not None else "waiting"
    rollback(layout, store, trial, f"{trial.version} sent no READY=1 within "
             f"{trial.health_timeout_s:.0f} s", now, tail())  # fmt: skip
    restart()
    return "rolled-back"


def arm_timer(seconds: float) -> None:
    """A transient timer that runs the health check once, `seconds` from now."""
    cmd = [
        "systemd-run", "--no-block", "--collect", "--quiet",
        f"--unit=kiosk-update-health-{time.time_ns()}",
        f"--on-active={max(1, int(seconds + 0.999))}s",
        "--property=Environment=PYTHONDONTWRITEBYTECODE=1",
        sys.executable, "-m", "kiosk.appliance.updates.guard", "health",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k == "KIOSK_CONFIG"}
    if env:
        cmd.insert(1, f"--setenv=KIOSK_CONFIG={env['KIOSK_CONFIG']}")
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        log.warning("health timer not armed (%s); the start timeout still applies", res.stderr)


def restart_kiosk() -> None:
    subprocess.run(["systemctl", "reset-failed", UNIT], check=False)
    subprocess.run(["systemctl", "restart", "--no-block", UNIT], check=False)


def _where() -> tuple[Layout, Store]:
    """From the config when it loads; the defaults otherwise (a guard must never fail)."""
    root, state = Path("/opt/stamp-kiosk"), Path("/var/lib/kiosk")
    try:
        from kiosk.config import load_settings

        settings = load_settings(None, must_exist=False)
        root, state = settings.update.releases_dir, settings.device.state_dir
    except Exception:  # a bad config is kiosk run's to report, not a reason to block a start
        log.warning("config not loaded; using %s and %s", root, state, exc_info=True)
    return Layout(root), Store(state)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = sys.argv[1:] if argv is None else argv
    layout, store = _where()
    try:
        if args[:1] == ["health"]:
            action = health_check(layout, store, time.time(), restart_kiosk)
        else:
            action = pre_start(layout, store, time.time(), arm_timer)
    except Exception:  # never keep the kiosk from starting because of the guard itself
        log.exception("update guard failed; starting the kiosk as it is")
        return 0
    print(f"update-guard: {action} (current {layout.current()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
