"""Install the service: user, folders, udev rules, unit; then enable it. Idempotent.

Each step compares what is there with what should be there and only acts on a
difference, so running it twice changes nothing the second time (and says so). With
`root` other than "/" everything is written under that folder and the systemd tools are
run with --root= (systemd-sysusers, systemd-tmpfiles and systemctl all support it), which
is how the tests install into a temp folder without touching this machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.files.atomic import write_atomic

REPO = Path(__file__).resolve().parents[2]  # a git checkout (or an editable install of one)
# Installed from the wheel or the .deb, the same files come as data files (pyproject
# [tool.setuptools.data-files]) under the environment's prefix, e.g. /opt/stamp-kiosk/venv.
SHARE = Path(sys.prefix) / "share" / "stamp-kiosk"
SYSTEMD_SRC = REPO / "systemd"
UNIT_NAME = "kiosk.service"
GUARD_UNIT = "kiosk-crash-guard.service"  # kiosk.service's OnFailure=: one reboot, no loop
DEFAULT_EXEC = "/opt/stamp-kiosk/current/venv/bin/kiosk"

Runner = Callable[[list[str]], int]


@dataclass(frozen=True)
class FileStep:
    src: str  # path in the repository
    dest: str  # absolute path on the target system
    mode: int = 0o644


FILES = [
    FileStep("systemd/kiosk.sysusers.conf", "/etc/sysusers.d/kiosk.conf"),
    FileStep("systemd/kiosk.tmpfiles.conf", "/etc/tmpfiles.d/kiosk.conf"),
    FileStep("systemd/udev/70-kiosk-scanners.rules", "/etc/udev/rules.d/70-kiosk-scanners.rules"),
    FileStep("config/udev/60-kiosk-printers.rules", "/etc/udev/rules.d/60-kiosk-printers.rules"),
    FileStep("systemd/journald-kiosk.conf", "/etc/systemd/journald.conf.d/kiosk.conf"),
    FileStep(f"systemd/{GUARD_UNIT}", f"/etc/systemd/system/{GUARD_UNIT}"),
    FileStep(f"systemd/{UNIT_NAME}", f"/etc/systemd/system/{UNIT_NAME}"),
]


@dataclass
class Plan:
    """What was (or, with dry_run, would be) done, in order, as readable lines."""

    lines: list[str] = field(default_factory=list)
    changed: bool = False
    failed: bool = False

    def say(self, text: str) -> None:
        self.lines.append(text)


def source_root(candidates: tuple[Path, ...] = (REPO, SHARE)) -> Path:
    """Where the unit and its companions are: the checkout first, else the installed share/."""
    for root in candidates:
        if (root / FILES[-1].src).is_file():
            return root
    return candidates[-1]


def render_unit(text: str, kiosk_exec: str) -> str:
    """Point ExecStart= at this installation's `kiosk` script (and the python beside it)."""
    text = text.replace(DEFAULT_EXEC, kiosk_exec)
    return text.replace(str(Path(DEFAULT_EXEC).parent) + "/", str(Path(kiosk_exec).parent) + "/")


def _run(cmd: list[str]) -> int:
    return subprocess.run(cmd, check=False).returncode


def install(
    *,
    root: Path = Path("/"),
    kiosk_exec: str,
    dry_run: bool = False,
    enable: bool = True,
    start: bool = False,
    src: Path | None = None,
    runner: Runner = _run,
) -> Plan:
    plan = Plan()
    src = src or source_root()
    if kiosk_exec.startswith(("/home/", "/root/")):
        plan.say(
            f"WARNING    {kiosk_exec} is under /home or /root, which ProtectHome=yes hides "
            "from the service: install the kiosk under /opt/stamp-kiosk instead"
        )
    changed_files: set[str] = set()
    for step in FILES:
        source = src / step.src
        if not source.is_file():
            plan.say(f"MISSING    {step.src} in {src}: reinstall the kiosk package")
            plan.failed = True  # an install without its unit is no install, even in a dry run
            continue
        text = source.read_text(encoding="utf-8")
        if step.src.endswith(".service"):
            text = render_unit(text, kiosk_exec)
        target = root / step.dest.lstrip("/")
        if target.exists() and target.read_text(encoding="utf-8") == text:
            plan.say(f"unchanged  {step.dest}")
            continue
        verb = "would write" if dry_run else "wrote"
        plan.say(f"{verb:<10} {step.dest}")
        changed_files.add(step.dest)
        if not dry_run:
            write_atomic(target, text, step.mode)
    _link_command(plan, root, kiosk_exec, dry_run)
    plan.changed = bool(changed_files)
    for cmd, why in _commands(root, changed_files, enable, start):
        if dry_run:
            plan.say(f"would run  {' '.join(cmd)}   ({why})")
            continue
        if shutil.which(cmd[0]) is None:
            plan.say(f"skipped    {' '.join(cmd)}   ({cmd[0]} not found on this system)")
            continue
        rc = runner(cmd)
        plan.say(f"ran        {' '.join(cmd)}   -> {'ok' if rc == 0 else f'exit {rc}'}")
        plan.failed |= rc != 0
    return plan


COMMAND_LINK = "/usr/local/bin/kiosk"


def _link_command(plan: Plan, root: Path, kiosk_exec: str, dry_run: bool) -> None:
    """`kiosk` on every PATH (sudo's too), pointing at the installed version."""
    link = root / COMMAND_LINK.lstrip("/")
    if link.is_symlink() and os.readlink(link) == kiosk_exec:
        plan.say(f"unchanged  {COMMAND_LINK} -> {kiosk_exec}")
        return
    if link.exists() and not link.is_symlink():
        plan.say(f"skipped    {COMMAND_LINK}: a file that is not ours is there")
        return
    if dry_run:
        plan.say(f"would link {COMMAND_LINK} -> {kiosk_exec}")
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp = link.with_name(".kiosk.link.tmp")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(kiosk_exec)
    os.replace(tmp, link)  # atomic: an update never leaves `kiosk` missing
    plan.say(f"linked     {COMMAND_LINK} -> {kiosk_exec}")


def _commands(
    root: Path, changed: set[str], enable: bool, start: bool
) -> list[tuple[list[str], str]]:
    live = root == Path("/")
    r = [] if live else [f"--root={root}"]
    cmds: list[tuple[list[str], str]] = []
    # sysusers and tmpfiles are idempotent themselves: always run, they also repair drift.
    # A bare file name is looked up in their config folders, under --root when given.
    cmds.append((["systemd-sysusers", *r, "kiosk.conf"], "user kiosk + hardware groups"))
    cmds.append((["systemd-tmpfiles", *r, "--create", "kiosk.conf"], "/etc/kiosk, /var/lib/kiosk"))
    if live and any(path.startswith("/etc/udev/") for path in changed):
        cmds.append((["udevadm", "control", "--reload"], "udev rules changed"))
        cmds.append((["udevadm", "trigger"], "apply udev rules to plugged devices"))
    if live and "/etc/systemd/journald.conf.d/kiosk.conf" in changed:
        cmds.append((["systemctl", "restart", "systemd-journald"], "log size limits changed"))
    if live and changed:
        cmds.append((["systemctl", "daemon-reload"], "unit files changed"))
    if enable:
        cmds.append((["systemctl", *r, "enable", UNIT_NAME], "start at boot"))
    if live and start:
        # always restart: after an update only the /opt/stamp-kiosk/current link changed,
        # and a mere "start" would leave the old version running
        cmds.append((["systemctl", "restart", UNIT_NAME], "--now: run this version"))
    return cmds
