"""doctor with each device faked at its own boundary, healthy and broken, through the CLI.

Printer: the printer tests' TCP emulator on 127.0.0.1 (answers DLE EOT like an Epson) or a
closed port. Camera: a real video file written with cv2, a missing /dev/video path.
Outbox: a real SQLite outbox with queued stamps.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
import pytest

from kiosk.outbox import OpKind, Outbox, card_lane
from tests.appliance.helpers import by_name, closed_port_url, doctor_json, write_config
from tests.printer.emulator import TcpPrinter


@pytest.fixture
def tcp_printer():
    p = TcpPrinter()
    yield p
    p.close()


def run_one(tmp_path, name, **sections):
    code, report = doctor_json(write_config(tmp_path, **sections), "--only", name)
    return code, by_name(report)[name]


def printer_cfg(uri):
    return {"printer": {"uri": uri, "timeout_s": 1.0}}


def test_printer_healthy_is_green(tmp_path, tcp_printer):
    code, c = run_one(tmp_path, "printer", **printer_cfg(tcp_printer.uri))
    assert (code, c["status"]) == (0, "green"), c
    assert "online, paper OK" in c["message"]


def test_printer_paper_out_is_red_with_the_fix(tmp_path, tcp_printer):
    tcp_printer.state.paper_out = True
    code, c = run_one(tmp_path, "printer", **printer_cfg(tcp_printer.uri))
    assert (code, c["status"]) == (1, "red")
    assert "paper out" in c["message"] and "paper roll" in c["fix"]


def test_printer_cover_open_is_red(tmp_path, tcp_printer):
    tcp_printer.state.cover_open = True
    code, c = run_one(tmp_path, "printer", **printer_cfg(tcp_printer.uri))
    assert (code, c["status"]) == (1, "red") and "cover" in c["fix"]


def test_printer_near_end_is_yellow_and_passes(tmp_path, tcp_printer):
    tcp_printer.state.near_end = True
    code, c = run_one(tmp_path, "printer", **printer_cfg(tcp_printer.uri))
    assert (code, c["status"]) == (0, "yellow") and "nearly empty" in c["message"]


def test_printer_without_status_is_yellow_unknown(tmp_path, tcp_printer):
    tcp_printer.state.silent = True
    code, c = run_one(tmp_path, "printer", **printer_cfg(tcp_printer.uri))
    assert (code, c["status"]) == (0, "yellow") and "status unknown" in c["message"]


def test_printer_switched_off_is_red(tmp_path):
    uri = closed_port_url().replace("http://", "tcp://")
    code, report = doctor_json(
        write_config(tmp_path, **printer_cfg(uri)), "--only", "printer", subprocess=True
    )
    c = by_name(report)["printer"]
    assert (code, c["status"]) == (1, "red")
    assert uri in c["message"] and "network cable" in c["fix"]


def write_video(path, frames=12, size=(320, 240)):
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, size)
    for i in range(frames):
        out.write(np.full((size[1], size[0], 3), i * 20 % 255, dtype=np.uint8))
    out.release()


def test_camera_from_video_file_delivers_frames(tmp_path):
    video = tmp_path / "bench.avi"
    write_video(video)
    code, c = run_one(tmp_path, "camera", scanner={"video_file": str(video)})
    assert (code, c["status"]) == (0, "green"), c
    assert "320x240" in c["message"] and "frames" in c["message"]


def test_camera_video_file_missing_is_red(tmp_path):
    code, c = run_one(tmp_path, "camera", scanner={"video_file": str(tmp_path / "gone.avi")})
    assert (code, c["status"]) == (1, "red") and "not found" in c["message"]


def test_camera_device_missing_is_red(tmp_path):
    code, c = run_one(tmp_path, "camera", scanner={"camera": "/dev/video-kiosk-missing"})
    assert (code, c["status"]) == (1, "red")
    assert "/dev/video-kiosk-missing not found" in c["message"] and "video" in c["fix"]


def test_camera_garbage_file_is_red(tmp_path):
    bad = tmp_path / "bad.avi"
    bad.write_bytes(b"this is not a video")
    code, c = run_one(tmp_path, "camera", scanner={"video_file": str(bad)})
    assert (code, c["status"]) == (1, "red"), c


def test_decoder_reads_its_test_code(tmp_path):
    code, c = run_one(tmp_path, "decoder")
    assert code == 0 and c["status"] in ("green", "yellow")  # yellow only if libzbar0 is missing
    assert "test QR decoded" in c["message"]


def test_outbox_depth_and_age(tmp_path):
    cfg = write_config(tmp_path)
    state = tmp_path / "state"
    box = Outbox(state)
    for i in range(3):
        box.enqueue(
            kind=OpKind.STAMP,
            lane=card_lane(f"cardtoken{i:08d}"),
            key=f"key-{i}",
            occurred_at=datetime.now(UTC),
            card_token=f"cardtoken{i:08d}",
        )
    box.close()
    code, report = doctor_json(cfg, "--only", "outbox")
    c = by_name(report)["outbox"]
    assert (code, c["status"]) == (0, "green") and c["message"].startswith("3 waiting")
    assert "cardtoken" not in c["message"]

    old = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    with sqlite3.connect(state / "outbox.sqlite") as db:  # the stamps have waited 2 hours
        db.execute("UPDATE ops SET created_at = ?", (old,))
    code, report = doctor_json(cfg, "--only", "outbox")
    c = by_name(report)["outbox"]
    assert (code, c["status"]) == (0, "yellow")
    assert "oldest 2h0" in c["message"] and "server" in c["fix"]


def test_outbox_check_reads_a_damaged_queue_without_moving_it(tmp_path):
    """Doctor runs beside a live kiosk: a damaged queue is reported red, never moved aside."""
    cfg = write_config(tmp_path)
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    damaged = state / "outbox.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    code, report = doctor_json(cfg, "--only", "outbox")
    c = by_name(report)["outbox"]
    assert (code, c["status"]) == (1, "red") and "unavailable" in c["message"]
    assert damaged.exists() and list(state.glob("outbox.sqlite.corrupt*")) == []


def test_camera_held_by_another_process_is_yellow_not_red(tmp_path):
    """`sudo kiosk doctor` while the kiosk streams: say so instead of a false alarm."""
    import subprocess
    import sys
    import time

    dev = tmp_path / "video0"
    dev.write_bytes(b"not a camera")
    holder = subprocess.Popen(
        [sys.executable, "-c", f"f = open({str(dev)!r}); import time; time.sleep(30)"]
    )
    try:
        time.sleep(0.5)
        code, c = run_one(tmp_path, "camera", scanner={"camera": str(dev)})
        assert (code, c["status"]) == (0, "yellow"), c
        assert f"in use by process {holder.pid}" in c["message"]
        assert "systemctl stop kiosk" in c["fix"]
    finally:
        holder.kill()
        holder.wait()
    code, c = run_one(tmp_path, "camera", scanner={"camera": str(dev)})
    assert (code, c["status"]) == (1, "red")  # nobody holds it: a real failure again
