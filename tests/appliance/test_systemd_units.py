"""The unit files: `systemd-analyze verify` is silent and the exposure is <= 4.0."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "kiosk.service"
MAX_EXPOSURE = 4.0

needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed here (install the 'systemd' package to run this)",
)


def unit_copy(tmp_path: Path) -> Path:
    """The unit with ExecStart pointing at a binary that exists here (verify checks it)."""
    true = shutil.which("true")
    text = UNIT.read_text().replace("/opt/stamp-kiosk/current/venv/bin/kiosk", true)
    text = text.replace("/opt/stamp-kiosk/current/venv/bin/python", true)
    path = tmp_path / "kiosk.service"
    path.write_text(text)
    return path


@needs_analyze
def test_verify_is_clean(tmp_path):
    # verify exits 0 even for unknown keys, so silence on stderr is the real assertion
    res = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit_copy(tmp_path))],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip() == "", res.stderr


@needs_analyze
def test_verify_would_catch_a_typo(tmp_path):
    """Guards the test above: a broken directive must produce output."""
    bad = unit_copy(tmp_path)
    bad.write_text(bad.read_text().replace("Type=notify", "Type=notfy"))
    res = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(bad)], capture_output=True, text=True
    )
    assert "notfy" in res.stderr


@needs_analyze
def test_security_exposure_at_most_4(tmp_path):
    res = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(unit_copy(tmp_path))],
        capture_output=True,
        text=True,
    )
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", res.stdout + res.stderr)
    assert m, res.stdout[-500:] + res.stderr
    exposure = float(m.group(1))
    print(f"systemd-analyze security exposure: {exposure}")
    assert exposure <= MAX_EXPOSURE


def test_unit_has_the_appliance_contract():
    text = UNIT.read_text()
    directives = {
        line.split("=", 1)[0]: line.split("=", 1)[1]
        for line in text.splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert directives["Type"] == "notify"
    assert directives["Restart"] == "always"
    assert "78" in directives["RestartPreventExitStatus"].split()
    assert directives["User"] == "kiosk"
    assert set(directives["SupplementaryGroups"].split()) == {
        "video",
        "render",
        "input",
        "dialout",
        "lp",
    }
    assert int(directives["WatchdogSec"]) > 0
    assert directives["Conflicts"] == "getty@tty1.service"
    for key in ("StartLimitIntervalSec", "StartLimitBurst", "MemoryMax", "StateDirectory"):
        assert key in directives
    assert "SDL_VIDEODRIVER=kmsdrm" in text  # else kiosk.ui.window picks "offscreen"
    assert "SDL_AUDIODRIVER=alsa" in text  # else it picks "dummy" and the beep is silent


def test_every_unusual_directive_is_commented():
    """Hardening exceptions must say why, right above them."""
    lines = UNIT.read_text().splitlines()
    for key in (
        "PrivateDevices=no",
        "Conflicts=",
        "RestartPreventExitStatus=",
        "SystemCallErrorNumber=",
    ):
        i = next(i for i, line in enumerate(lines) if line.startswith(key))
        assert lines[i - 1].startswith("#"), key


@pytest.mark.skipif(shutil.which("systemd-sysusers") is None, reason="systemd-sysusers missing")
def test_sysusers_and_tmpfiles_parse(tmp_path):
    (tmp_path / "etc/sysusers.d").mkdir(parents=True)
    shutil.copy(ROOT / "systemd/kiosk.sysusers.conf", tmp_path / "etc/sysusers.d/kiosk.conf")
    res = subprocess.run(
        ["systemd-sysusers", f"--root={tmp_path}", "kiosk.conf"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    passwd = (tmp_path / "etc/passwd").read_text()
    assert re.search(r"^kiosk:x:\d+:\d+:.*:/var/lib/kiosk:/usr/sbin/nologin$", passwd, re.M)
    group = (tmp_path / "etc/group").read_text()
    for g in ("video", "render", "input", "dialout", "lp"):
        assert re.search(rf"^{g}:x:\d+:kiosk$", group, re.M), group
