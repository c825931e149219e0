"""docs/technician.md tells the truth a technician relies on: one release named the same
way everywhere, the restart policy as the unit has it, commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "technician.md").read_text()


def unit_values() -> dict[str, str]:
    text = (ROOT / "systemd" / "kiosk.service").read_text()
    return dict(re.findall(r"^(\w+)=(.*)$", text, re.M))


def test_one_release_named_consistently():
    tags = set(re.findall(r"\bv(\d+\.\d+\.\d+)\b", GUIDE))
    assert tags == {"0.2.0"}, tags
    debs = set(re.findall(r"stamp-kiosk_(\d+\.\d+\.\d+)_arm64\.deb", GUIDE))
    assert "0.2.0" in debs and debs <= {"0.2.0", "0.3.0"}  # 0.3.0: the update example
    assert "git clone" not in GUIDE  # the install is the package, not a checkout


def test_restart_policy_is_the_units():
    unit = unit_values()
    assert unit["Restart"] == "always" and f"`RestartSec={unit['RestartSec']}`" in GUIDE
    assert f"{unit['RestartSec']} s after" in GUIDE
    burst, minutes = int(unit["StartLimitBurst"]), int(unit["StartLimitIntervalSec"]) // 60
    assert f"the {burst + 1}th start within {minutes} minutes is refused" in GUIDE
    # the limit hit: kiosk-crash-guard reboots once, never a second time in a row
    assert "StartLimitAction" not in unit and unit["OnFailure"] == "kiosk-crash-guard.service"
    assert "**reboots once**" in GUIDE and "does **not** reboot again" in GUIDE
    assert unit["RestartPreventExitStatus"] == "78" and "except exit 78" in GUIDE
    assert f"`WatchdogSec={unit['WatchdogSec']}`" in GUIDE


def test_every_kiosk_command_in_the_guide_exists():
    """Every `kiosk X` in code (fenced blocks and inline spans) is a real subcommand."""
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)
    fenced = re.findall(r"```.*?\n(.*?)```", GUIDE, re.S)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", GUIDE, flags=re.S))
    used = {
        m for code in fenced + inline for m in re.findall(r"(?<!-u )\bkiosk ([a-z][a-z-]+)", code)
    }
    assert {"provision", "doctor", "hash-pin", "unpair"} <= used
    assert used <= commands, used - commands
