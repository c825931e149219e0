"""`kiosk doctor` on a terminal: each check's line appears as soon as it finishes, and a
check name that does not exist is an error, never an empty "all required checks pass"."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from tests.appliance.helpers import kiosk_cli, write_config


def test_unknown_check_name_fails_and_names_the_near_one(tmp_path):
    cfg = write_config(tmp_path)
    res = kiosk_cli("doctor", "--config", str(cfg), "--only", "camra")
    assert res.returncode == 2, res.stdout
    assert "no such check: 'camra'" in res.stderr and "did you mean 'camera'" in res.stderr
    assert "all required checks pass" not in res.stdout
    res = kiosk_cli("doctor", "--config", str(cfg), "--json", "--skip", "config,nope")
    assert res.returncode == 2 and "'nope'" in res.stderr and res.stdout == ""


def test_each_check_is_printed_as_it_finishes(tmp_path):
    """config is instant; server then waits 3 s on a server that accepts and never answers.
    The config line must be readable while the server check still runs."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete in the backlog; nobody ever reads or answers
    port = silent.getsockname()[1]
    cfg = write_config(tmp_path, server={"url": f"http://127.0.0.1:{port}", "read_timeout_s": 3})
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK__")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "doctor", "--config", str(cfg), "--only", "config,server"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = proc.stdout.readline()
        first_at = time.monotonic()
        rest = proc.stdout.read()
        proc.wait(30)
        ended_at = time.monotonic()
    finally:
        proc.kill()
        silent.close()
    assert first.startswith("OK") and " config " in first
    assert " server " in rest and "doctor:" in rest
    assert ended_at - first_at > 2.0, "the config line came only with the others at the end"
