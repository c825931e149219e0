"""`kiosk server` as an operator starts it: generated admin token printed once, env
defaults, the time offset from the environment, and a bad port refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import requests

from tests.support.refserver import free_port


def start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "server", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "kiosk server: http://" in line:
            return proc, "".join(lines)
    proc.kill()
    raise AssertionError("".join(lines))


def wait_up(url: str) -> None:
    for _ in range(200):
        try:
            if requests.get(url + "/openapi.json", timeout=0.5).ok:
                return
        except requests.RequestException:
            time.sleep(0.05)
    raise AssertionError("server not up")


def test_generated_admin_token_and_env_clock_offset(tmp_path):
    port = free_port()
    env = {"REFSERVER_NOW_OFFSET": "86400"}
    env.pop("REFSERVER_ADMIN_TOKEN", None)
    os.environ.pop("REFSERVER_ADMIN_TOKEN", None)
    proc, out = start(["--port", str(port), "--db", str(tmp_path / "a.sqlite")], env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_up(url)
        token = re.search(r"X-Admin-Token\): (\S+)", out).group(1)
        clock = requests.get(url + "/admin/clock", headers={"X-Admin-Token": token}, timeout=5)
        assert clock.status_code == 200 and clock.json()["offset_seconds"] == 86400
        assert requests.get(url + "/admin/clock", timeout=5).status_code == 401
        spec = requests.get(url + "/openapi.json", timeout=5).json()
        assert "/api/v1/cards/{card_id}/stamps" in spec["paths"]
    finally:
        proc.terminate()
        proc.wait(10)


def test_admin_token_from_env_is_not_printed(tmp_path):
    port = free_port()
    proc, out = start(
        ["--port", str(port), "--db", str(tmp_path / "b.sqlite")],
        {"REFSERVER_ADMIN_TOKEN": "env-admin-secret"},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_up(url)
        r = requests.get(
            url + "/admin/clock", headers={"X-Admin-Token": "env-admin-secret"}, timeout=5
        )
        assert r.status_code == 200
        assert "env-admin-secret" not in out
    finally:
        proc.terminate()
        proc.wait(10)


def test_bad_port_is_a_usage_error(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "server",
            "--port",
            "70000",
            "--db",
            str(tmp_path / "c.sqlite"),
            "--admin-token",
            "t",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 2 and "--port" in r.stderr
