"""deploy/image: the pi-gen stage renders, its files say what docs/technician.md says, and
its host script really edits a root file system (a stand-in folder with pi-gen's stock
boot files) the way pi-gen would run it, twice without doubling anything."""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "deploy" / "image"
# pi-gen bookworm-arm64, stage1/00-boot-files/files/cmdline.txt (ROOTDEV: filled at export)
STOCK_CMDLINE = (
    "console=serial0,115200 console=tty1 root=ROOTDEV rootfstype=ext4 fsck.repair=yes rootwait\n"
)


def load_render():
    spec = importlib.util.spec_from_file_location("kiosk_image_render", IMAGE / "render.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def render(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(IMAGE / "render.py"), "--out", str(tmp_path / "pi-gen"), *args],
        capture_output=True,
        text=True,
    )


def settings_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]


@pytest.mark.parametrize("rotation", ["0", "90", "270"])
def test_render_writes_a_pi_gen_stage_with_the_settings(tmp_path, rotation):
    deb = tmp_path / "stamp-kiosk_0.2.0_arm64.deb"
    deb.write_bytes(b"!<arch>\n")
    res = render(tmp_path, "--rotation", rotation, "--deb", str(deb), "--hostname", "kiosk-1")
    assert res.returncode == 0, res.stderr
    stage = tmp_path / "pi-gen" / "stage-kiosk"
    for script in ("prerun.sh", "00-kiosk/00-run.sh"):
        assert os.access(stage / script, os.X_OK), script  # pi-gen runs only executables
    assert (stage / "00-kiosk" / "01-run-chroot.sh").is_file()
    assert "IMG_SUFFIX" in (stage / "EXPORT_IMAGE").read_text()
    for script in stage.rglob("*.sh"):
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0, script
    files = stage / "00-kiosk" / "files"
    config = (files / "config.txt").read_text()
    for line in settings_lines(config):
        assert "#" not in line, f"inline comment in config.txt: {line!r}"
        assert re.fullmatch(r"\[\w+\]|[a-z_0-9]+=[^ ]+", line), line
    lines = settings_lines(config)
    for want in ("dtoverlay=vc4-kms-v3d", "disable_overscan=1", "camera_auto_detect=1"):
        assert want in lines
    assert lines[-1] == "[all]"  # later additions by hand apply to every board
    kivy = configparser.RawConfigParser()
    kivy.read_string((files / "kivy-config.ini").read_text())
    assert kivy["graphics"]["rotation"] == rotation
    assert list(kivy["input"].values()) == ["probesysfs,provider=mtdev"]
    assert (files / "stamp-kiosk.deb").read_bytes() == b"!<arch>\n"
    pi_gen = (tmp_path / "pi-gen" / "config").read_text()
    assert 'STAGE_LIST="stage0 stage1 stage2 stage-kiosk"' in pi_gen
    assert "TARGET_HOSTNAME=kiosk-1" in pi_gen and "PUBKEY_ONLY_SSH=1" in pi_gen


def test_bad_rotation_is_refused(tmp_path):
    res = render(tmp_path, "--rotation", "45")
    assert res.returncode == 2 and "rotation" in res.stderr
    assert not (tmp_path / "pi-gen").exists()


def test_host_script_edits_a_root_file_system_once(tmp_path):
    deb = tmp_path / "k.deb"
    deb.write_bytes(b"deb")
    assert render(tmp_path, "--rotation", "180", "--deb", str(deb)).returncode == 0
    sub_stage = tmp_path / "pi-gen" / "stage-kiosk" / "00-kiosk"
    rootfs = tmp_path / "rootfs"
    (rootfs / "boot" / "firmware").mkdir(parents=True)
    (rootfs / "boot" / "firmware" / "cmdline.txt").write_text(STOCK_CMDLINE)
    env = {**os.environ, "ROOTFS_DIR": str(rootfs)}
    for _ in range(2):  # pi-gen re-runs stages (CONTINUE=1): nothing may double
        res = subprocess.run(
            ["./00-run.sh"], cwd=sub_stage, env=env, capture_output=True, text=True
        )
        assert res.returncode == 0, res.stderr
    cmdline = (rootfs / "boot" / "firmware" / "cmdline.txt").read_text()
    assert cmdline.count("\n") == 1  # the kernel reads one line
    params = cmdline.split()
    assert params[: len(STOCK_CMDLINE.split())] == STOCK_CMDLINE.split()
    for extra in load_render().CMDLINE_EXTRA:
        assert params.count(extra) == 1, extra
    boot_config = (rootfs / "boot" / "firmware" / "config.txt").read_text()
    assert boot_config == (sub_stage / "files" / "config.txt").read_text()
    kivy = (rootfs / "var" / "lib" / "kiosk" / "kivy" / "config.ini").read_text()
    assert "rotation = 180" in kivy
    assert (rootfs / "tmp" / "stamp-kiosk.deb").read_bytes() == b"deb"


def test_host_script_without_the_package_says_how_to_make_it(tmp_path):
    assert render(tmp_path).returncode == 0
    rootfs = tmp_path / "rootfs"
    (rootfs / "boot" / "firmware").mkdir(parents=True)
    (rootfs / "boot" / "firmware" / "cmdline.txt").write_text(STOCK_CMDLINE)
    res = subprocess.run(
        ["./00-run.sh"],
        cwd=tmp_path / "pi-gen" / "stage-kiosk" / "00-kiosk",
        env={**os.environ, "ROOTFS_DIR": str(rootfs)},
        capture_output=True,
        text=True,
    )
    assert res.returncode == 1 and "make deb ARCH=arm64" in res.stderr


def test_technician_guide_types_what_the_image_sets():
    """The by-hand path of docs/technician.md (a kiosk without the image) must give the
    same config.txt lines and kernel parameters, with no inline comment."""
    render_mod = load_render()
    guide = (ROOT / "docs" / "technician.md").read_text()
    block = re.search(r"\*\*KMS display and camera\*\*.*?```text\n(.*?)```", guide, re.S)
    assert block, "docs/technician.md has no config.txt block"
    typed = [line.strip() for line in settings_lines(block.group(1))]
    assert all("#" not in line for line in typed)
    rendered = settings_lines(render_mod.config_txt(render_mod.ImageSettings()))
    assert set(typed) <= set(rendered), set(typed) - set(rendered)
    assert " ".join(render_mod.CMDLINE_EXTRA) in guide
