"""`kiosk provision` / `kiosk unpair` against the real reference server, in temp folders."""

from __future__ import annotations

import json
import os
import pty
import stat
import subprocess
import sys
import time

import pytest

from kiosk.api.client import LoyaltyClient
from kiosk.config import load_settings
from tests.appliance.helpers import closed_port_url, kiosk_cli


def new_code(refserver) -> str:
    return refserver.admin("POST", "/admin/pairing-codes", {"location_name": "Cafe Mari"})["code"]


def provision(refserver, cfg_dir, code, *extra, server=None):
    return kiosk_cli(
        "provision",
        "--server",
        server or refserver.url,
        "--pairing-code",
        code,
        "--name",
        "counter-1",
        "--config-dir",
        str(cfg_dir),
        "--state-dir",
        str(cfg_dir / "state"),
        *extra,
    )


def test_success_writes_config_and_private_token_then_runs_doctor(shared_refserver, tmp_path):
    cfg_dir = tmp_path / "etc-kiosk"
    res = provision(shared_refserver, cfg_dir, new_code(shared_refserver))
    assert res.returncode == 0, res.stderr
    assert "paired: 'counter-1' at 'Cafe Mari'" in res.stdout
    assert "kiosk doctor:" in res.stdout and "OK   token" in res.stdout
    token_file = cfg_dir / "device.token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    settings = load_settings(cfg_dir / "kiosk.toml", environ={})
    assert settings.server.url == shared_refserver.url
    assert settings.device.name == "counter-1"
    assert settings.device.token_path == token_file
    token = token_file.read_text().strip()
    assert token not in res.stdout + res.stderr
    device = LoyaltyClient(shared_refserver.url, token).device()  # the token really works
    assert device.name == "counter-1"


def test_wrong_code_is_refused_and_nothing_written(shared_refserver, tmp_path):
    res = provision(shared_refserver, tmp_path / "c", "WRONGCODE9")
    assert res.returncode == 1
    assert "not valid" in res.stderr and "fix:" in res.stderr
    assert not (tmp_path / "c").exists()


def test_expired_code(refserver, tmp_path):
    code = new_code(refserver)
    refserver.admin("POST", "/admin/clock", {"advance_seconds": 24 * 3600})
    res = provision(refserver, tmp_path / "c", code)
    assert res.returncode == 1
    assert "expired" in res.stderr and "new pairing code" in res.stderr
    assert not (tmp_path / "c" / "device.token").exists()


def test_reused_code_keeps_the_first_pairing(shared_refserver, tmp_path):
    code = new_code(shared_refserver)
    first = provision(shared_refserver, tmp_path / "a", code, "--no-doctor")
    assert first.returncode == 0, first.stderr
    second = provision(shared_refserver, tmp_path / "b", code, "--no-doctor")
    assert second.returncode == 1 and "already used" in second.stderr
    assert (tmp_path / "a" / "device.token").exists()
    assert not (tmp_path / "b" / "device.token").exists()


def test_server_down_is_a_temporary_failure(tmp_path):
    res = kiosk_cli(
        "provision",
        "--server",
        closed_port_url(),
        "--pairing-code",
        "ABCD2345",
        "--name",
        "x",
        "--config-dir",
        str(tmp_path / "c"),
    )
    assert res.returncode == 75
    assert "cannot reach the server" in res.stderr and "network" in res.stderr
    assert not (tmp_path / "c").exists()


def test_reprovision_is_safe_and_keeps_hand_edits(shared_refserver, tmp_path):
    cfg_dir = tmp_path / "c"
    assert (
        provision(shared_refserver, cfg_dir, new_code(shared_refserver), "--no-doctor").returncode
        == 0
    )
    cfg = cfg_dir / "kiosk.toml"
    cfg.write_text(
        cfg.read_text() + '\n# printer on the counter\n[printer]\nuri = "tcp://10.0.0.9:9100"\n'
    )
    old_token = (cfg_dir / "device.token").read_text()

    bad = provision(shared_refserver, cfg_dir, "NOPE2345", "--no-doctor")
    assert bad.returncode == 1
    assert (cfg_dir / "device.token").read_text() == old_token  # failure changes nothing

    again = provision(
        shared_refserver, cfg_dir, new_code(shared_refserver), "--no-doctor", "--json"
    )
    assert again.returncode == 0, again.stderr
    out = json.loads(again.stdout)
    assert out["replaced_previous_pairing"] is True
    assert (cfg_dir / "device.token").read_text() != old_token
    text = cfg.read_text()
    assert "# printer on the counter" in text and "tcp://10.0.0.9:9100" in text
    assert load_settings(cfg, environ={}).printer.uri == "tcp://10.0.0.9:9100"


def test_pairing_qr_payload_gives_server_and_code(shared_refserver, tmp_path):
    payload = f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver)}"
    res = kiosk_cli(
        "provision",
        "--pairing-code",
        payload,
        "--name",
        "qr-kiosk",
        "--config-dir",
        str(tmp_path / "c"),
        "--no-doctor",
    )
    assert res.returncode == 0, res.stderr
    assert (
        load_settings(tmp_path / "c" / "kiosk.toml", environ={}).server.url == shared_refserver.url
    )


def test_missing_flags_without_a_terminal_is_a_usage_error(tmp_path):
    res = kiosk_cli("provision", "--config-dir", str(tmp_path), input="")
    assert res.returncode == 2
    assert "--server" in res.stderr and "--pairing-code" in res.stderr


def test_interactive_prompts_on_a_terminal(shared_refserver, tmp_path):
    master, slave = pty.openpty()
    cmd = [
        sys.executable,
        "-m",
        "kiosk",
        "provision",
        "--config-dir",
        str(tmp_path / "c"),
        "--no-doctor",
    ]
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    os.close(slave)
    try:
        time.sleep(0.5)
        os.write(master, f"{new_code(shared_refserver)}\n{shared_refserver.url}\ntill-2\n".encode())
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 0, err
    assert "Pairing code" in out and "Server address" in out and "Kiosk name" in out
    assert load_settings(tmp_path / "c" / "kiosk.toml", environ={}).device.name == "till-2"


def test_unpair_removes_the_token(shared_refserver, tmp_path):
    cfg_dir = tmp_path / "c"
    assert (
        provision(shared_refserver, cfg_dir, new_code(shared_refserver), "--no-doctor").returncode
        == 0
    )
    cfg = str(cfg_dir / "kiosk.toml")
    res = kiosk_cli("unpair", "--config", cfg)
    assert res.returncode == 0 and "unpaired" in res.stdout
    assert not (cfg_dir / "device.token").exists()
    again = kiosk_cli("unpair", "--config", cfg)
    assert again.returncode == 0 and "not paired" in again.stdout
    doctor = kiosk_cli("doctor", "--config", cfg, "--only", "token", "--json")
    assert doctor.returncode == 1
    assert json.loads(doctor.stdout)["checks"][0]["status"] == "red"


@pytest.mark.parametrize("payload", ["KIOSK-PAIR:https://x.example", "KIOSK-PAIR:#"])
def test_incomplete_qr_payload(payload, tmp_path):
    res = kiosk_cli(
        "provision", "--pairing-code", payload, "--name", "n", "--config-dir", str(tmp_path)
    )
    assert res.returncode == 2 and "incomplete" in res.stderr


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 whose certificate the kiosk cannot verify, which is what
    a kiosk with a wrong clock sees (certificate "not yet valid" or "expired")."""
    import http.server
    import shutil
    import ssl
    import threading

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed: cannot make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    httpd = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_tls_failure_points_at_the_clock(tls_server, tmp_path):
    res = kiosk_cli(
        "provision",
        "--server",
        tls_server,
        "--pairing-code",
        "ABCD2345",
        "--name",
        "x",
        "--config-dir",
        str(tmp_path / "c"),
    )
    assert res.returncode == 75
    assert "TLS" in res.stderr and "clock" in res.stderr
    assert not (tmp_path / "c").exists()
