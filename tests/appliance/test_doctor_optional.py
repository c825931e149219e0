"""A device module missing from the build is reported honestly: yellow, never green."""

from __future__ import annotations

import sys

import pytest

from kiosk.appliance.doctor.checks import camera, decoder, outbox, printer
from tests.appliance.helpers import context, write_config


@pytest.mark.parametrize(
    ("check", "module", "sections"),
    [
        (printer, "devices.printer.service", {}),
        (decoder, "devices.scanner.decoders", {}),
        (outbox, "kiosk.outbox", {}),
        (camera, "devices.scanner.manager", {"scanner": {"video_file": "/tmp/x.mp4"}}),
    ],
)
def test_missing_module_is_yellow_not_available(tmp_path, monkeypatch, check, module, sections):
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    res = check.check(context(write_config(tmp_path, **sections)))
    assert res.status == "yellow"
    assert "not available in this build" in res.message


def test_camera_missing_device_path_is_red(tmp_path):
    cfg = write_config(tmp_path, scanner={"camera": str(tmp_path / "video7")})
    res = camera.check(context(cfg))
    assert res.status == "red" and "not found" in res.message and "ls /dev/video" in res.fix


def test_camera_index_maps_to_dev_video(tmp_path):
    cfg = write_config(tmp_path, scanner={"camera": 3})
    res = camera.check(context(cfg, dev_dir=tmp_path / "dev"))
    assert res.status == "red" and str(tmp_path / "dev" / "video3") in res.message


def test_no_camera_configured_is_optional(tmp_path):
    res = camera.check(context(write_config(tmp_path, scanner={"camera": ""})))
    assert res.status == "green" and res.required is False
