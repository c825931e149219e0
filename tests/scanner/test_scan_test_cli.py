"""`kiosk scan-test` as people and scripts run it: a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2

from devices.scanner.synth import render_phone_frame

CARD = "https://loyalty.example.com/c/Cli_Card_Token_0001"


def kiosk(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK")}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_images_json_one_object_a_line_with_the_image_path(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "1-card.png"), render_phone_frame(CARD, "qr", (640, 480), seed=1))
    cv2.imwrite(
        str(tmp_path / "2-voucher.jpg"),
        render_phone_frame("SUMMER-2026", "code128", (1280, 720), seed=2, dark=False),
    )
    cv2.imwrite(str(tmp_path / "3-empty.png"), cv2.UMat(480, 640, cv2.CV_8UC3, (90, 90, 90)).get())
    (tmp_path / "notes.txt").write_text("not an image")
    proc = kiosk("scan-test", "--images", str(tmp_path), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["text"], r["symbology"], r["source"], r["kind"]) for r in rows] == [
        (CARD, "qr", str(tmp_path / "1-card.png"), "card"),
        ("SUMMER-2026", "code128", str(tmp_path / "2-voucher.jpg"), "voucher"),
    ]
    assert all(isinstance(r["ms"], float | int) and r["ms"] >= 0 for r in rows)


def test_video_is_debounced_and_missing_sources_exit_69(tmp_path: Path) -> None:
    path = tmp_path / "v.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15, (640, 480))
    frame = render_phone_frame(CARD, "aztec", (640, 480), seed=3, dark=False)
    for _ in range(10):
        writer.write(frame)
    writer.release()
    proc = kiosk("scan-test", "--video", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["text"], r["frame"]) for r in rows] == [(CARD, 0)]
    assert kiosk("scan-test", "--images", str(tmp_path / "nope")).returncode == 69
    assert kiosk("scan-test", "--video", str(tmp_path / "nope.avi")).returncode == 69
    empty = tmp_path / "empty"
    empty.mkdir()
    assert kiosk("scan-test", "--images", str(empty)).returncode == 1  # nothing read


def test_serial_live_source(tmp_path: Path) -> None:
    master, slave = os.openpty()
    name = os.ttyname(slave)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "scan-test",
            "--serial",
            name,
            "--json",
            "--count",
            "1",
            "--seconds",
            "20",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stderr.readline()  # wait until the port is open (raw mode from then on)
        assert first.startswith(f"status: serial:{name}="), first
        while "=ok" not in first:
            first = proc.stderr.readline()
        os.write(master, b"STAFF:9:badge-secret\r")
        out, err = proc.communicate(timeout=30)
        err = first + err
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0, err
    row = json.loads(out.splitlines()[0])
    assert row["text"] == "STAFF:9:[REDACTED]" and row["kind"] == "staff_badge"
    assert "badge-secret" not in out + err  # a badge is a login: masked by default
    assert row["source"] == f"serial:{name}"
    assert "status: serial:" in err


def test_badge_secrets_are_masked_unless_the_technician_asks(tmp_path: Path) -> None:
    badge = "STAFF:12:Xq7-badge-secret-99"
    cv2.imwrite(str(tmp_path / "badge.png"), render_phone_frame(badge, "qr", (640, 480), seed=3))
    for extra in ((), ("--json",)):
        proc = kiosk("scan-test", "--images", str(tmp_path), *extra)
        assert proc.returncode == 0, proc.stderr
        assert "Xq7-badge-secret-99" not in proc.stdout + proc.stderr
        assert "STAFF:12:" in proc.stdout  # the staff id still tells badges apart
    shown = kiosk("scan-test", "--images", str(tmp_path), "--json", "--show-secrets")
    assert json.loads(shown.stdout)["text"] == badge


def test_a_missing_live_device_exits_69_after_its_time(tmp_path: Path) -> None:
    proc = kiosk("scan-test", "--serial", str(tmp_path / "no-such-tty"), "--seconds", "1.5")
    assert proc.returncode == 69
    assert "retrying in" in proc.stderr


def test_usage_needs_exactly_one_source() -> None:
    assert kiosk("scan-test").returncode == 2
    assert kiosk("scan-test", "--images", "a", "--video", "b").returncode == 2
