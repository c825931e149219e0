"""doctor's camera check names the camera source it chose ([camera] source) and reads the
Pi camera through the stand-in rpicam-vid (tests/support/fake_rpicam.py) on PATH."""

from __future__ import annotations

import os

from tests.appliance.helpers import by_name, doctor_json, write_config
from tests.support.fake_rpicam import install_fake_rpicam


def camera_check(tmp_path, source: str, **scanner):
    cfg = write_config(tmp_path, camera={"source": source}, scanner={"camera": 0, **scanner})
    code, report = doctor_json(cfg, "--only", "camera")
    return code, by_name(report)["camera"]


def test_pi_camera_through_rpicam_is_green_and_says_so(tmp_path, monkeypatch):
    exe = install_fake_rpicam(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ['PATH']}")
    code, c = camera_check(tmp_path, "rpicam", camera_width=320, camera_height=240)
    assert (code, c["status"]) == (0, "green"), c
    assert c["message"].startswith('camera source rpicam (source = "rpicam"): rpicam:0: ')
    assert "320x240" in c["message"]


def test_rpicam_not_installed_is_red_with_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, c = camera_check(tmp_path, "rpicam")
    assert (code, c["status"]) == (1, "red")
    assert "not installed" in c["message"] and "rpicam-apps-lite" in c["fix"]


def test_auto_without_rpicam_says_it_chose_v4l2_and_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, c = camera_check(tmp_path, "auto", camera="/dev/video-kiosk-missing")
    assert c["status"] == "red"
    assert c["message"].startswith("camera source v4l2 (auto: [scanner] camera names the device")
    assert "[camera] source" in c["fix"]
