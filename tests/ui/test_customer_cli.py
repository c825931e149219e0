"""`kiosk run` and `kiosk demo` as a person or systemd starts them (real processes)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ui import checks

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy")}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


def _bad_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[printer]\nuri = "lpt:1"\n', encoding="utf-8")
    return cfg


def test_run_strict_exits_78_naming_the_key(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--config", str(_bad_config(tmp_path)), "--strict"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 78
    assert "[printer] uri" in proc.stderr


@pytest.mark.ui
def test_run_bad_config_out_of_service_keeps_pinging_the_watchdog(tmp_path):
    """Also: started by hand with no display (no DISPLAY, no SDL_VIDEODRIVER, stdin not a
    text console) it says plainly that it draws offscreen, and never 'first frame shown'."""
    sock_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(0.2)
    env = {**_env(tmp_path), "NOTIFY_SOCKET": str(sock_path), "WATCHDOG_USEC": "1000000"}
    env.pop("SDL_VIDEODRIVER", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "run",
            "--config",
            str(_bad_config(tmp_path)),
            "--max-seconds",
            "10",  # startup alone can take seconds on a loaded CI machine
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    messages: list[str] = []
    try:
        while proc.poll() is None:
            with contextlib.suppress(TimeoutError):
                messages.append(sock.recv(4096).decode())
        out = proc.stdout.read() if proc.stdout else ""
    finally:
        proc.kill()
        sock.close()
    assert proc.returncode == 0, out[-3000:]
    joined = "\n".join(messages)
    assert "READY=1" in joined
    assert "out of service" in joined
    assert sum("WATCHDOG=1" in m for m in messages) >= 3  # every 0.5 s from the UI loop
    assert "drawing offscreen: nothing is shown on any screen" in out
    assert "first frame drawn offscreen" in out and "first frame shown" not in out


@pytest.mark.ui
def test_demo_headless_records_the_journey(tmp_path):
    out = tmp_path / "rec"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "demo",
            "--headless",
            "--record",
            str(out),
            "--langs",
            "en",
        ],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    names = sorted(p.name for p in out.glob("*.png"))
    for step in (
        "01-attract",
        "02-reward-unlocked",
        "03-card",
        "04-vouchers",
        "05-voucher",
        "06-redeemed",
        "07-printed",
        "07-coupon",
        "08-cooldown",
        "09-unknown-code",
        "10-card-not-found",
        "11-offline-saved",
        "12-staff-pin",
        "13-staff-menu",
        "14-staff-form",
        "15-staff-coupon",
        "15-staff-coupon-print",
    ):
        assert f"en-{step}.png" in names, names
    assert "zz-back-to-attract.png" in names
    codes = checks.decode(out / "en-06-redeemed.png")
    assert len(set(codes)) == 1  # QR and barcode on screen carry the one redeem code
    assert set(codes) <= set(checks.decode(out / "en-07-coupon.png"))
