"""The no-reboot-loop policy under booted systemd (issue 20): kill the kiosk until its start
limit is hit, twice, with a simulated reboot in between.

The reboot is never performed: from before the first boot, a drop-in on
kiosk-crash-guard.service points the guard's reboot command at a script that only appends
to /var/lib/systest-reboots (so no step of the test can reboot the namespace either). The test then
"reboots" the way a machine does: PID 1 dies and systemd boots the same root again, with a
fresh /run and the state dir as it was.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from system_test import SystemTest

MARKS = "/var/lib/systest-reboots"
SCRIPT = "/usr/local/sbin/systest-reboot"
DROPIN = "/etc/systemd/system/kiosk-crash-guard.service.d/50-systest-reboot.conf"
GAVE_UP = "/run/kiosk-crash-guard/out-of-service"


def simulate_reboots(root: Path) -> None:
    """Before boot: the guard's reboot becomes a marker script (a drop-in on its unit)."""
    script = root / SCRIPT.lstrip("/")
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f'#!/bin/sh\necho "reboot requested $(date +%s)" >> {MARKS}\n')
    script.chmod(0o755)
    dropin = root / DROPIN.lstrip("/")
    dropin.parent.mkdir(parents=True, exist_ok=True)
    dropin.write_text(f"[Service]\nEnvironment=KIOSK_REBOOT_COMMAND={SCRIPT}\n")


def reboots_requested(t: SystemTest) -> int:
    out = t.machine.run("sh", "-c", f"cat {MARKS} 2>/dev/null || true").stdout
    return len(out.splitlines())


def kill_until(t: SystemTest, what: str, done, max_kills: int = 10) -> int:
    """SIGKILL the kiosk each time it is up again, until done(); returns the kills needed."""
    from system_test import wait_until

    k = t.k
    for kills in range(1, max_kills + 1):
        wait_until("kiosk active before a kill", k.active, 120 * t.slow)
        old = k.main_pid()
        k.m.run("systemctl", "kill", "--signal=SIGKILL", "kiosk.service")
        deadline = time.monotonic() + 30 * t.slow  # RestartSec=5 + a start
        while time.monotonic() < deadline:
            if done():
                return kills
            if k.main_pid() not in (0, old) and k.active():
                break
            time.sleep(0.5)
    raise AssertionError(f"{what}: not after {max_kills} kills\n{k.tail()}")


def crash_loop(t: SystemTest) -> str:
    from system_test import wait_until

    m, k = t.machine, t.k
    m.run("systemctl", "reset-failed", "kiosk.service")  # a fresh start-limit window
    start = time.monotonic()
    kills = kill_until(t, "first crash loop -> one reboot", lambda: reboots_requested(t) == 1)
    counter = m.run("cat", "/var/lib/kiosk/crash-reboots").stdout.strip()
    assert counter == "1", counter
    t.t["crash loop -> reboot requested"] = time.monotonic() - start

    m.shutdown()  # the simulated reboot: PID 1 gone, then a new boot of the same root
    t.t["reboot (boot systemd again)"] = m.boot()
    wait_until("kiosk active after the reboot", k.active, 120 * t.slow)
    start = time.monotonic()

    def gave_up() -> bool:
        return m.run("test", "-e", GAVE_UP, check=False).returncode == 0

    kill_until(t, "second crash loop -> out of service", gave_up)
    wait_until("out-of-service kiosk active", lambda: k.active() and "out of service" in
               k.show("StatusText")["StatusText"], 120 * t.slow)  # fmt: skip
    t.t["crash loop -> out of service"] = time.monotonic() - start
    restarts = int(k.show("NRestarts")["NRestarts"])
    time.sleep(10)
    assert k.active() and int(k.show("NRestarts")["NRestarts"]) == restarts, k.tail()
    assert reboots_requested(t) == 1, "a second reboot was requested"
    doctor = m.run("kiosk", "doctor", "--json", check=False, timeout=120 * t.slow)
    assert doctor.stdout.lstrip().startswith("{"), doctor.stdout + doctor.stderr
    m.run("rm", "-f", MARKS)
    return (f"{kills} kills -> 1 reboot requested; after it the next loop -> out of service, "
            "steady, doctor works, no second reboot")  # fmt: skip
