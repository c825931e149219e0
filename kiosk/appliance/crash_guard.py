"""No reboot loops: a crash loop earns one reboot, never a second one in a row.

Why: five failed starts in ten minutes mean restarting does not help (wedged GPU or USB, a
full disk), and a reboot is what shop staff would try by pulling the plug. But if the reboot
did not help either, rebooting every few minutes forever only hides the kiosk from the
technician: no `kiosk doctor`, no logs, no remote access. So:

- kiosk.service hits its start limit and OnFailure= runs kiosk-crash-guard.service,
  which runs `python -m kiosk.appliance.crash_guard` as root;
- no reboot since the kiosk last ran steadily: count it in the state dir, then reboot;
- already one: write the reason in /run (gone at the next boot), start the kiosk again, and
  `kiosk run` shows the out-of-service screen with it instead of the crashing kiosk;
- if even that fails this boot, stay down: the machine stays up for the technician.
- A kiosk that runs for STABLE_AFTER_S resets the count: the reboot helped.

Exit 78 (a bad config, not restarted on purpose) is not a crash loop and is left alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger("kiosk.crash_guard")

UNIT = "kiosk.service"
STATE_DIR = Path("/var/lib/kiosk")
COUNTER = "crash-reboots"  # in the state dir: reboots since the kiosk last ran steadily
GAVE_UP = Path("/run/kiosk-crash-guard/out-of-service")  # this boot only
STABLE_AFTER_S = 600.0
REBOOT_ENV = "KIOSK_REBOOT_COMMAND"  # the system test points this at a marker script
MAX_REBOOTS = 1


def reboots(state_dir: Path = STATE_DIR) -> int:
    try:
        return int((state_dir / COUNTER).read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def _write_counter(state_dir: Path, value: int) -> None:
    """Atomically, owned like the state dir so the kiosk user can reset it."""
    path = state_dir / COUNTER
    tmp = path.with_name(f".{COUNTER}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"{value}\n")
    st = state_dir.stat()
    with contextlib.suppress(PermissionError):
        os.chown(tmp, st.st_uid, st.st_gid)
    os.replace(tmp, path)


def gave_up_reason(path: Path = GAVE_UP) -> str:
    """Why the kiosk is out of service this boot, or "" (read by `kiosk run`)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def reset_when_stable(state_dir: Path, after_s: float = STABLE_AFTER_S) -> threading.Timer:
    """From `kiosk run`: after `after_s` alive, the last reboot helped; forget it."""

    def reset() -> None:
        if reboots(state_dir):
            with contextlib.suppress(OSError):
                (state_dir / COUNTER).unlink()
            log.info("kiosk steady for %.0f s: crash-reboot count reset", after_s)

    timer = threading.Timer(after_s, reset)
    timer.daemon = True
    timer.start()
    return timer


def decide(result: str, exit_status: str, count: int, gave_up: bool) -> str:
    """What to do: "ignore", "reboot", "out-of-service" or "stay-down".

    With Restart=always the unit only enters "failed" (and so runs OnFailure=) when its
    start limit is hit (Result= then keeps the last crash's reason: signal, watchdog,
    oom-kill, ...) or when exit 78 is kept from restarting (a bad config: not a crash loop).
    """
    if result in ("success", "") or exit_status == "78":
        return "ignore"
    if gave_up:
        return "stay-down"
    return "reboot" if count < MAX_REBOOTS else "out-of-service"


def _unit_result() -> tuple[str, str]:
    """kiosk.service's Result= and ExecMainStatus=."""
    out = subprocess.run(
        ["systemctl", "show", "-p", "Result", "-p", "ExecMainStatus", UNIT],
        capture_output=True,
        text=True,
        check=False,
    )
    props = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    return props.get("Result", ""), props.get("ExecMainStatus", "")


def guard(state_dir: Path = STATE_DIR, gave_up_path: Path = GAVE_UP) -> str:
    """What OnFailure= runs; returns the action taken."""
    count = reboots(state_dir)
    action = decide(*_unit_result(), count, gave_up_path.exists())
    if action == "reboot":
        _write_counter(state_dir, count + 1)
        log.warning("kiosk crash loop: rebooting once (reboot %d of %d)", count + 1, MAX_REBOOTS)
        cmd = shlex.split(os.environ.get(REBOOT_ENV, "systemctl reboot"))
        subprocess.run(cmd, check=False)
    elif action == "out-of-service":
        reason = (
            f"crash loop: kiosk.service kept failing and {count} reboot(s) did not help. "
            "See 'sudo kiosk doctor' and 'journalctl -u kiosk'; after the fix: sudo reboot"
        )
        gave_up_path.parent.mkdir(parents=True, exist_ok=True)
        gave_up_path.write_text(reason + "\n", encoding="utf-8")
        gave_up_path.chmod(0o644)
        log.error("kiosk crash loop again after a reboot: no more reboots; out of service")
        subprocess.run(["systemctl", "reset-failed", UNIT], check=False)
        subprocess.run(["systemctl", "start", "--no-block", UNIT], check=False)
    elif action == "stay-down":
        log.error("kiosk fails even out of service: leaving it stopped (machine stays up)")
    return action


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    print(f"crash-guard: {guard()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
