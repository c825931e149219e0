"""The kiosk service's memory: usage against MemoryHigh/MemoryMax, and pressure events.

Green: no event. Yellow: the kernel throttled the kiosk above MemoryHigh (it still runs,
slower). Red: a kiosk process was killed for memory, or the last run ended with
Result=oom-kill. Not under systemd (a laptop, a bench): nothing to check, said plainly.
"""

from __future__ import annotations

import shutil
import subprocess

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow
from kiosk.appliance.memory_pressure import UNIT, kiosk_cgroup, read_memory

NAME = "memory"
ORDER = 55
REQUIRED = False
FIX = (
    "read what grew: journalctl -u kiosk | grep -i memory; a steady kiosk stays far below "
    "MemoryHigh (docs/customer-kiosk.md, Memory); report it with `kiosk logs`"
)


def check(ctx: DoctorContext) -> CheckResult:
    cgroup = kiosk_cgroup(root=ctx.sys_dir / "fs" / "cgroup")
    if cgroup is None:
        return yellow(f"{UNIT} is not running here: its memory is not checked", required=False)
    try:
        mem = read_memory(cgroup)
    except (OSError, ValueError) as exc:
        return yellow(f"cannot read {cgroup}: {exc}", required=False)
    ev = mem.events
    if ev.get("oom_kill", 0) or _last_result() == "oom-kill":
        return red(
            f"the kiosk was killed for memory ({ev.get('oom_kill', 0)} since this start; "
            f"last result {_last_result() or 'unknown'}); {mem.describe()}",
            FIX,
            required=False,
        )
    if ev.get("high", 0) or ev.get("max", 0):
        return yellow(
            f"throttled above MemoryHigh {ev.get('high', 0)} times, at MemoryMax "
            f"{ev.get('max', 0)} times; {mem.describe()}",
            FIX,
            required=False,
        )
    return green(f"no memory pressure; {mem.describe()}", required=False)


def _last_result() -> str:
    """systemd's Result= of the unit ("oom-kill" after a kill), "" when unknown."""
    if shutil.which("systemctl") is None:
        return ""
    try:
        out = subprocess.run(
            ["systemctl", "show", UNIT, "-p", "Result", "--value"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""
