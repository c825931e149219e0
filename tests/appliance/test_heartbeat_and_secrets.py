"""Heartbeat against the real server, and the device token never reaching any log."""

from __future__ import annotations

import io
import logging
import time

from kiosk.api.client import LoyaltyClient
from kiosk.appliance.doctor.checks import server as server_check
from kiosk.appliance.doctor.checks import token as token_check
from kiosk.appliance.heartbeat import Heartbeat
from kiosk.appliance.logging_setup import setup_logging
from kiosk.appliance.provisioning import ProvisionRequest, provision
from kiosk.appliance.token_store import TokenStore
from tests.appliance.helpers import closed_port_url, context, kiosk_cli, write_config


def device_row(refserver, device_name):
    devices = refserver.admin("GET", "/admin/devices")["devices"]
    return next(d for d in devices if d["name"] == device_name)


def test_heartbeat_reaches_the_server_with_version_queue_and_devices(shared_refserver):
    token = shared_refserver.pair_device("hb-kiosk")
    hb = Heartbeat(
        LoyaltyClient(shared_refserver.url, token),
        60,
        lambda: {
            "queue_depth": 3,
            "printer": "paper_out",
            "camera": {"camera:0": "ok", "serial:/dev/ttyACM0": "unplugged"},
            "temp_c": 51,
        },
    )
    assert hb.beat_once() is True
    row = device_row(shared_refserver, "hb-kiosk")
    assert row["last_heartbeat_at"]
    beat = row["heartbeat"]
    assert beat["app_version"] and beat["uptime_s"] >= 0
    assert beat["queue_depth"] == 3 and beat["printer"] == "paper_out"
    assert beat["camera"] == "camera:0 ok, serial:/dev/ttyACM0 unplugged"
    assert beat["details"] == {
        "temp_c": 51,
        "camera": {"camera:0": "ok", "serial:/dev/ttyACM0": "unplugged"},
    }
    assert hb.state.sent == 1 and hb.state.failures_in_a_row == 0


def test_heartbeat_thread_keeps_beating_and_stops(shared_refserver):
    token = shared_refserver.pair_device("hb-thread")
    hb = Heartbeat(LoyaltyClient(shared_refserver.url, token), 0.1).start()
    try:
        deadline = time.monotonic() + 10
        while hb.state.sent < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        hb.stop()
    assert hb.state.sent >= 3
    sent = hb.state.sent
    time.sleep(0.3)
    assert hb.state.sent == sent  # stopped means stopped


def test_heartbeat_failures_never_raise_and_log_once(caplog):
    calls = []

    def broken_status():
        calls.append(1)
        raise RuntimeError("camera driver exploded")

    hb = Heartbeat(LoyaltyClient(closed_port_url(), "tok-xyz-123456", retries=0), 60, broken_status)
    with caplog.at_level(logging.DEBUG, logger="kiosk.appliance.heartbeat"):
        assert hb.beat_once() is False
        assert hb.beat_once() is False
        assert hb.beat_once() is False
    assert hb.state.failures_in_a_row == 3 and hb.state.last_error == "offline"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # an offline night does not flood the journal
    assert len(calls) == 3


def test_rejected_token_is_a_quiet_failure(shared_refserver):
    hb = Heartbeat(LoyaltyClient(shared_refserver.url, "not-a-real-token-123"), 60)
    assert hb.beat_once() is False and hb.state.last_error == "unauthorized"


def test_doctor_token_accepted_and_rejected(shared_refserver, tmp_path):
    cfg = write_config(tmp_path, server={"url": shared_refserver.url})
    store = TokenStore(tmp_path / "state" / "device.token")
    store.write(shared_refserver.pair_device("doc-kiosk"))
    ctx = context(cfg)
    res = token_check.check(ctx)
    assert res.status == "green" and "doc-kiosk" in res.message
    srv = server_check.check(ctx)
    assert srv.status == "green" and " ms" in srv.message
    store.write("revoked-or-bogus-token-42")
    res = token_check.check(context(cfg))
    assert res.status == "red" and "rejected" in res.message and "provision" in res.fix


def test_device_token_never_appears_in_logs(shared_refserver, tmp_path):
    """Pair, beat, diagnose and fail with DEBUG logging everywhere (urllib3 too)."""
    buf = io.StringIO()
    handler = setup_logging("DEBUG", stream=buf, journal=True)
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    try:
        code = shared_refserver.admin("POST", "/admin/pairing-codes", {})["code"]
        result = provision(
            ProvisionRequest(
                shared_refserver.url, code, "secret-kiosk", tmp_path / "c", tmp_path / "s"
            )
        )
        token = TokenStore(result.token_path).read()
        assert token
        log = logging.getLogger("kiosk.test")
        client = LoyaltyClient(shared_refserver.url, token)
        Heartbeat(client, 60).beat_once()
        ctx = context(result.config_path)
        token_check.check(ctx)
        log.debug("about to call with Authorization: Bearer %s", token)
        log.info("config says token=%s", token)
        try:
            raise ValueError(f"bad thing with {token}")
        except ValueError:
            log.exception("handled")
        Heartbeat(LoyaltyClient(closed_port_url(), token, retries=0), 60).beat_once()
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger("urllib3").setLevel(logging.WARNING)
    out = buf.getvalue()
    assert "handled" in out and "/api/v1/device" in out  # the logs were really written
    assert token not in out
    assert token[:12] not in out  # not even a recognisable prefix

    # and the CLI at DEBUG level: doctor and provision print no token either
    res = kiosk_cli(
        "doctor",
        "--config",
        str(result.config_path),
        "--only",
        "token,server",
        env={"KIOSK_LOG_LEVEL": "DEBUG"},
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert token not in res.stdout + res.stderr
