"""`kiosk doctor` says which settings came from the cloud, which wait for a restart, which
kiosk.toml overrides, and that a rejected set left the last good one in force."""

from __future__ import annotations

from pathlib import Path

from kiosk.appliance.doctor.base import DoctorContext
from kiosk.appliance.doctor.checks import cloud_settings
from kiosk.cloud_settings import CloudStore, Stored
from kiosk.config import load_settings


def context(tmp_path: Path) -> DoctorContext:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[device]\nstate_dir = "{tmp_path}"\n[ui]\nidle_timeout_s = 30\n')
    return DoctorContext(path, load_settings(path, environ={}))


def test_green_lists_cloud_keys_restart_keys_and_the_files_wins(tmp_path: Path) -> None:
    good = {"ui": {"low_reach": True, "idle_timeout_s": 60}, "update": {"window": "01:00-02:00"}}
    CloudStore(tmp_path).save(Stored(good=good, good_at="2026-12-03T19:00:00+00:00"))
    result = cloud_settings.check(context(tmp_path))
    assert result.status == "green"
    assert "[ui] low_reach" in result.message and "[update] window" in result.message
    assert "[update] window take effect at the next start" in result.message
    assert "kiosk.toml wins over the cloud for [ui] idle_timeout_s" in result.message


def test_a_rejected_set_is_yellow_and_names_the_bad_key(tmp_path: Path) -> None:
    CloudStore(tmp_path).save(
        Stored(
            good={"ui": {"low_reach": True}},
            good_at="2026-12-03T19:00:00+00:00",
            rejected_at="2026-12-03T19:30:00+00:00",
            problems=["cloud: [ui] speech_volume: Input should be less than or equal to 100"],
        )
    )
    result = cloud_settings.check(context(tmp_path))
    assert result.status == "yellow" and not result.required
    assert "rejected at 2026-12-03T19:30" in result.message
    assert "last good set kept" in result.message and "[ui] speech_volume" in result.message
    assert "/admin/device-settings" in result.fix


def test_no_cloud_settings_yet_is_green(tmp_path: Path) -> None:
    result = cloud_settings.check(context(tmp_path))
    assert result.status == "green" and "none" in result.message
