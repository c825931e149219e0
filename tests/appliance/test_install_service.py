"""install-service into a temp root: dry-run writes nothing, a rerun changes nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("systemctl") is None or shutil.which("systemd-sysusers") is None,
    reason="systemd tools not installed here",
)


def kiosk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "install-service", *args], capture_output=True, text=True
    )


def test_dry_run_writes_nothing(tmp_path):
    res = kiosk("--root", str(tmp_path), "--dry-run", "--kiosk-exec", "/opt/k/bin/kiosk")
    assert res.returncode == 0, res.stderr
    assert "would write /etc/systemd/system/kiosk.service" in res.stdout
    assert "would run  systemctl --root=" in res.stdout
    assert list(tmp_path.iterdir()) == []


def test_install_then_rerun_is_idempotent(tmp_path):
    first = kiosk("--root", str(tmp_path), "--kiosk-exec", "/opt/k/bin/kiosk")
    assert first.returncode == 0, first.stdout + first.stderr
    unit = tmp_path / "etc/systemd/system/kiosk.service"
    assert "ExecStart=/opt/k/bin/kiosk run" in unit.read_text()
    assert (tmp_path / "etc/systemd/system/multi-user.target.wants/kiosk.service").is_symlink()
    assert "kiosk:" in (tmp_path / "etc/passwd").read_text()
    assert (tmp_path / "usr/local/bin/kiosk").readlink() == Path("/opt/k/bin/kiosk")
    state = tmp_path / "var/lib/kiosk"
    assert state.is_dir() and oct(state.stat().st_mode & 0o777) == "0o750"
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    second = kiosk("--root", str(tmp_path), "--kiosk-exec", "/opt/k/bin/kiosk")
    assert second.returncode == 0
    assert "wrote" not in second.stdout
    assert second.stdout.count("unchanged") == 8  # 7 files + the command link
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == snapshot


def test_warns_when_installed_under_home(tmp_path):
    res = kiosk("--root", str(tmp_path), "--dry-run", "--kiosk-exec", "/home/pi/venv/bin/kiosk")
    assert "ProtectHome" in res.stdout


def test_live_install_needs_root_or_dry_run():
    import os

    if os.geteuid() == 0:
        pytest.skip("running as root: a live install would touch this machine")
    res = kiosk()
    assert res.returncode == 1 and "sudo" in res.stderr


def test_unit_source_is_the_repo_file():
    from kiosk.appliance.install import SYSTEMD_SRC

    assert (SYSTEMD_SRC / "kiosk.service").is_file()
    assert Path(SYSTEMD_SRC / "udev/70-kiosk-scanners.rules").read_text().count('MODE="0660"') >= 3


def test_installed_udev_rules_never_open_devices_to_everyone(tmp_path):
    res = kiosk("--root", str(tmp_path), "--no-enable", "--kiosk-exec", "/opt/k/bin/kiosk")
    assert res.returncode == 0, res.stdout + res.stderr
    rules = sorted((tmp_path / "etc/udev/rules.d").glob("*.rules"))
    assert [r.name for r in rules] == ["60-kiosk-printers.rules", "70-kiosk-scanners.rules"]
    for r in rules:
        lines = [x for x in r.read_text().splitlines() if x.strip() and not x.startswith("#")]
        assert lines and all('MODE="0660"' in x and "GROUP=" in x for x in lines), r


def test_now_always_restarts_so_an_update_takes_effect(tmp_path):
    from kiosk.appliance.install import _commands

    cmds = [c for c, _ in _commands(Path("/"), set(), enable=True, start=True)]
    assert ["systemctl", "restart", "kiosk.service"] in cmds  # nothing changed, still restart
    assert ["systemctl", "daemon-reload"] not in cmds  # but no reload without a changed file


def test_missing_files_fail_even_a_dry_run(tmp_path):
    from kiosk.appliance.install import FILES, install

    plan = install(root=tmp_path, kiosk_exec="/opt/k/bin/kiosk", dry_run=True, src=tmp_path)
    assert plan.failed
    assert sum("MISSING" in line for line in plan.lines) == len(FILES) == 7


def test_installed_share_is_used_when_there_is_no_checkout(tmp_path):
    from kiosk.appliance.install import FILES, REPO, source_root

    assert source_root((tmp_path / "no-checkout", REPO)) == REPO
    assert source_root((REPO, tmp_path)) == REPO
    assert source_root((tmp_path / "no-checkout", tmp_path)) == tmp_path  # (then: MISSING)
    assert {f.src.split("/")[0] for f in FILES} == {"systemd", "config"}


def test_the_wheel_carries_install_service_files_and_the_one_version(tmp_path):
    """Installed from the wheel (or the .deb made from it), install-service finds its files
    under <prefix>/share/stamp-kiosk; the version is kiosk.__version__."""
    import zipfile

    from kiosk import __version__
    from kiosk.appliance.install import FILES, REPO

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("stamp_kiosk-*.whl")
    assert wheel.name.startswith(f"stamp_kiosk-{__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    data = f"stamp_kiosk-{__version__}.data/data/share/stamp-kiosk/"
    for step in FILES:
        assert data + step.src in names, step.src
