"""`kiosk update --status --json`, the CLI's refusals, doctor and the heartbeat agree."""

from __future__ import annotations

import json

import pytest

from kiosk.appliance.doctor.base import DoctorContext
from kiosk.appliance.doctor.checks import update as update_check
from kiosk.appliance.updates.guard import pre_start
from kiosk.appliance.updates.status import heartbeat_fields
from kiosk.appliance.updates.trial import Store, Trial
from kiosk.cli import main
from kiosk.config import load_settings
from tests.updates.conftest import make_deb, needs_dpkg_deb

pytestmark = needs_dpkg_deb
T0 = 1_800_000_000.0


@pytest.fixture
def kiosk_env(tmp_path, monkeypatch, layout_v1, keys_dir):
    state = tmp_path / "state"
    monkeypatch.setenv("KIOSK__UPDATE__RELEASES_DIR", str(layout_v1.root))
    monkeypatch.setenv("KIOSK__UPDATE__KEYS_DIR", str(keys_dir))
    monkeypatch.setenv("KIOSK__DEVICE__STATE_DIR", str(state))
    return layout_v1, state


def rolled_back(tmp_path, layout, state):
    layout.install(make_deb(tmp_path, "1.1.0"), "1.1.0")
    store = Store(state)
    store.save_trial(Trial("1.1.0", "1.0.0", T0, 60))
    layout.switch("1.1.0", "1.0.0")
    pre_start(layout, store, T0 + 1, arm=lambda s: None, tail=lambda: ["last words"])
    pre_start(layout, store, T0 + 70, arm=lambda s: None, tail=lambda: ["last words"])


def test_status_json(tmp_path, kiosk_env, capsys):
    layout, state = kiosk_env
    rolled_back(tmp_path, layout, state)
    assert main(["update", "--status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["current"] == "1.0.0" and st["previous"] == "1.1.0" and st["pending"] is None
    assert st["last_result"]["result"] == "rolled-back"
    assert st["last_result"]["log"] == ["last words"]


def test_the_cli_refuses_an_unsigned_release_with_its_code_and_a_fix(tmp_path, kiosk_env, capsys):
    deb = make_deb(tmp_path, "1.2.0")
    assert main(["update", str(deb)]) == 10
    err = capsys.readouterr().err
    assert "REFUSED (10)" in err and "fix:" in err


def test_the_cli_check_passes_a_signed_release(tmp_path, kiosk_env, signer, capsys):
    deb = make_deb(tmp_path, "1.2.0")
    signer.sign(deb)
    assert main(["update", "--check", str(deb)]) == 0
    assert "1.2.0" in capsys.readouterr().out


def test_doctor_and_heartbeat_show_version_and_last_result(tmp_path, kiosk_env):
    layout, state = kiosk_env
    settings = load_settings(None, must_exist=False)
    ok = update_check.check(DoctorContext(tmp_path / "k.toml", settings))
    assert ok.status == "green" and "version 1.0.0" in ok.message
    rolled_back(tmp_path, layout, state)
    res = update_check.check(DoctorContext(tmp_path / "k.toml", settings))
    assert res.status == "yellow" and "rolled-back 1.1.0" in res.message and res.fix
    hb = heartbeat_fields(layout.root, state)
    assert hb["current"] == "1.0.0" and hb["last_result"] == "rolled-back"
    assert hb["last_version"] == "1.1.0" and "READY" in hb["last_reason"]


def test_doctor_warns_without_trusted_keys(tmp_path, kiosk_env, monkeypatch):
    monkeypatch.setenv("KIOSK__UPDATE__KEYS_DIR", str(tmp_path / "no-keys"))
    settings = load_settings(None, must_exist=False)
    res = update_check.check(DoctorContext(tmp_path / "k.toml", settings))
    assert res.status == "yellow" and "no trusted release key" in res.message


def test_the_technician_screen_shows_the_update_check():
    """The technician home page lists every doctor check (kiosk.cli.doctor.diagnose), so
    the update line with its fix is there too."""
    from kiosk.appliance.doctor.runner import check_names

    assert "update" in check_names()
