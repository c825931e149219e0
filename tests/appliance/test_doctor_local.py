"""doctor: the runner's rules and the checks that need no server and no device module."""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

from kiosk.appliance.doctor.base import green, red, yellow
from kiosk.appliance.doctor.checks import disk, display, groups, line_scanner, token
from kiosk.appliance.doctor.checks import server as server_check
from kiosk.appliance.doctor.runner import Report, _run_one
from kiosk.appliance.token_store import TokenStore
from tests.appliance.helpers import by_name, context, doctor_json, write_config


def fake_check(name, fn, required=True):
    return SimpleNamespace(NAME=name, REQUIRED=required, NEEDS_SETTINGS=False, check=fn)


def test_a_crashing_check_is_red_and_named(tmp_path):
    ctx = context(write_config(tmp_path))
    res = _run_one(fake_check("boom", lambda c: 1 / 0), ctx, 5)
    assert res.status == "red" and "ZeroDivisionError" in res.message and res.name == "boom"


def test_a_hanging_check_is_red_after_its_time_limit(tmp_path):
    ctx = context(write_config(tmp_path))
    t0 = time.monotonic()
    res = _run_one(fake_check("hang", lambda c: time.sleep(5)), ctx, 0.3)
    assert time.monotonic() - t0 < 2
    assert res.status == "red" and "did not finish" in res.message


def test_exit_rule_yellow_passes_red_required_fails():
    g, y, r = green("ok"), yellow("meh"), red("bad", "fix")
    assert Report([g, y]).ok
    assert not Report([g, r]).ok
    assert Report([g, r.__class__(**{**r.__dict__, "required": False})]).ok


def test_cli_json_shape_and_exit_0_when_required_checks_pass(tmp_path):
    cfg = write_config(tmp_path)
    code, report = doctor_json(cfg, "--only", "config,disk,line_scanner", subprocess=True)
    assert code == 0
    assert [c["name"] for c in report["checks"]] == ["config", "disk", "line_scanner"]
    for c in report["checks"]:
        assert set(c) >= {"name", "status", "message", "fix", "required"}
        assert c["status"] in ("green", "yellow", "red")
    assert report["ok"] is True and report["summary"]["red"] == 0


def test_broken_config_is_red_exit_1_and_others_not_faked(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[printer]\nuri = "lpt:1"\n')
    code, report = doctor_json(cfg, "--skip", "display")
    checks = by_name(report)
    assert code == 1
    assert checks["config"]["status"] == "red" and "[printer] uri" in checks["config"]["message"]
    assert checks["token"]["status"] == "yellow" and "not checked" in checks["token"]["message"]


def test_configured_skip_list_is_honoured(tmp_path):
    cfg = write_config(tmp_path, technician={"doctor_skip": ["display"]})
    code, report = doctor_json(cfg, "--only", "display,config")
    assert [c["name"] for c in report["checks"]] == ["config"]


def test_disk(tmp_path):
    cfg = write_config(tmp_path)
    assert disk.check(context(cfg)).status == "green"
    cfg2 = write_config(tmp_path, device={"state_dir": str(tmp_path / "nope")})
    res = disk.check(context(cfg2))
    assert res.status == "red" and "does not exist" in res.message and "install-service" in res.fix


def test_display_kms_node(tmp_path):
    ctx = context(write_config(tmp_path), environ={}, dev_dir=tmp_path / "dev")
    res = display.check(ctx)
    assert res.status == "red" and "vc4-kms-v3d" in res.fix
    (tmp_path / "dev/dri").mkdir(parents=True)
    (tmp_path / "dev/dri/card0").touch()
    assert display.check(ctx).status == "green"
    ctx_desktop = context(write_config(tmp_path), environ={"DISPLAY": ":0"})
    assert display.check(ctx_desktop).status == "green"


def test_line_scanner_on_a_pty_and_missing(tmp_path):
    master, slave = os.openpty()
    try:
        port = os.ttyname(slave)
        ok = line_scanner.check(context(write_config(tmp_path, scanner={"serial_port": port})))
        assert ok.status == "green" and port in ok.message
    finally:
        os.close(master)
        os.close(slave)
    gone = line_scanner.check(
        context(write_config(tmp_path, scanner={"serial_port": "/dev/ttyACM9-missing"}))
    )
    assert gone.status == "red" and "not found" in gone.message
    none = line_scanner.check(context(write_config(tmp_path)))
    assert none.status == "green" and none.required is False


def test_line_scanner_hid_by_usb_ids(tmp_path):
    usb = tmp_path / "sys/bus/usb/devices/1-1.2"
    usb.mkdir(parents=True)
    (usb / "idVendor").write_text("05e0\n")
    (usb / "idProduct").write_text("1200\n")
    cfg = write_config(tmp_path, scanner={"hid_device": "05e0:1200"})
    assert line_scanner.check(context(cfg, sys_dir=tmp_path / "sys")).status == "green"
    cfg = write_config(tmp_path, scanner={"hid_device": "05e0:9999"})
    assert line_scanner.check(context(cfg, sys_dir=tmp_path / "sys")).status == "red"


def test_groups_decision():
    all5 = {"video", "render", "input", "dialout", "lp"}
    assert groups.evaluate("kiosk", all5 | {"kiosk"}, all5).status == "green"
    res = groups.evaluate("kiosk", {"video", "input"}, all5)
    assert res.status == "red" and "render, dialout, lp" in res.message
    assert "usermod -aG render,dialout,lp kiosk" in res.fix
    assert groups.evaluate("kiosk", all5 - {"render"}, all5 - {"render"}).status == "yellow"


def test_token_missing_and_too_open(tmp_path):
    cfg = write_config(tmp_path)
    res = token.check(context(cfg))
    assert res.status == "red" and "not paired" in res.message and "kiosk provision" in res.fix
    store = TokenStore(tmp_path / "state" / "device.token")
    store.write("tok-123456789")
    store.path.chmod(0o644)
    res = token.check(context(cfg))
    assert res.status == "red" and "0644" in res.message and "chmod 600" in res.fix


def test_server_down_is_red_and_token_unverified_is_yellow(tmp_path):
    cfg = write_config(tmp_path)  # server url: a closed port on 127.0.0.1
    TokenStore(tmp_path / "state" / "device.token").write("tok-123456789")
    ctx = context(cfg)
    s = server_check.check(ctx)
    assert s.status == "red" and "unreachable" in s.message and "network" in s.fix
    t = token.check(ctx)  # same probe, cached
    assert t.status == "yellow" and "not verified" in t.message


def test_speech_missing_is_yellow_not_required(tmp_path, monkeypatch):
    from kiosk.appliance.doctor.checks import speech

    ctx = context(write_config(tmp_path), dev_dir=tmp_path)  # no snd/ here
    monkeypatch.setattr("shutil.which", lambda name: None)
    res = speech.check(ctx)
    assert res.status == "yellow" and not res.required and "espeak-ng" in res.message
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    res = speech.check(ctx)
    assert res.status == "yellow" and "no audio output" in res.message
    (tmp_path / "snd").mkdir()
    (tmp_path / "snd" / "pcmC0D0p").touch()
    assert speech.check(ctx).status == "green"
