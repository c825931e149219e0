"""The Pi camera path: rpicam-vid's MJPEG stream through RpicamSource, tested against a
stand-in rpicam-vid on PATH (tests/support/fake_rpicam.py) that writes real JPEG frames,
shows a QR code, and dies midway; plus the [camera] source rule and its config key.
"""

from __future__ import annotations

import os
import threading
import time

import cv2
import numpy as np
import pytest

from devices.scanner.backoff import Backoff
from devices.scanner.camera_choice import choose_camera
from devices.scanner.manager import ScannerManager, frame_source_for, pipeline_for
from devices.scanner.rpicam import MjpegCutter, RpicamSource, find_rpicam
from devices.scanner.sources import CameraSource, SourceError
from devices.scanner.worker import CameraWorker
from kiosk.config import ConfigError, ScannerSection, load_settings
from tests.support.fake_rpicam import install_fake_rpicam

CARD = "https://loyalty.example.com/c/Pi_Camera_Card_0001"


@pytest.fixture
def fake_rpicam(tmp_path, monkeypatch):
    """The stand-in rpicam-vid first on PATH; its launches logged to FAKE_RPICAM_LOG."""
    exe = install_fake_rpicam(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_RPICAM_LOG", str(tmp_path / "launches.log"))
    monkeypatch.setenv("FAKE_RPICAM_PAYLOAD", CARD)
    return exe


def launches(tmp_path) -> list[str]:
    log = tmp_path / "launches.log"
    return log.read_text().splitlines() if log.exists() else []


def jpeg(value: int, size=(64, 48)) -> bytes:
    img = np.full((size[1], size[0], 3), value, dtype=np.uint8)
    return cv2.imencode(".jpg", img)[1].tobytes()


def test_cutter_finds_frames_split_anywhere_and_keeps_the_newest():
    a, b, c = jpeg(10), jpeg(120), jpeg(240)
    stream = b"junk" + a + b + c
    cutter = MjpegCutter()
    found = [f for i in range(0, len(stream), 7) if (f := cutter.feed(stream[i : i + 7]))]
    assert found[-1] == c and set(found) <= {a, b, c}
    assert MjpegCutter().feed(a + b) == b  # two whole frames in one read: the newer one
    cutter = MjpegCutter()
    assert cutter.feed(a[:-1]) is None and cutter.feed(a[-1:]) == a


def test_source_reads_real_frames_with_the_command_rpicam_takes(fake_rpicam, tmp_path):
    source = RpicamSource(0, 320, 240, 15)
    source.open()
    try:
        frame, origin = source.read()
    finally:
        source.close()
    assert frame.shape == (240, 320, 3) and origin == "rpicam:0"
    argv = launches(tmp_path)[0].split()
    assert argv[:4] == ["--codec", "mjpeg", "-o", "-"]
    for flag, value in (("--width", "320"), ("--height", "240"), ("--framerate", "15")):
        assert argv[argv.index(flag) + 1] == value
    assert "--nopreview" in argv and argv[argv.index("-t") + 1] == "0"


def test_a_qr_shown_to_the_pi_camera_becomes_one_scan_event(fake_rpicam, monkeypatch):
    monkeypatch.setenv("FAKE_RPICAM_QR_AFTER", "3")
    settings = ScannerSection(camera=0, camera_width=640, camera_height=480, camera_fps=15)
    events, got = [], threading.Event()
    manager = ScannerManager(
        settings, lambda ev: (events.append(ev), got.set()), camera_source="rpicam"
    )
    assert isinstance(manager.camera.source, RpicamSource)
    manager.start()
    try:
        assert got.wait(20), manager.status()
        assert manager.status() == {"rpicam:0": "ok"}
    finally:
        manager.stop()
    assert [(e.text, e.symbology, e.source) for e in events] == [(CARD, "qr", "rpicam:0")]


def test_process_that_dies_is_reported_with_its_exit_and_last_words(fake_rpicam, monkeypatch):
    monkeypatch.setenv("FAKE_RPICAM_DIE_AFTER", "2")
    source = RpicamSource(0, 320, 240, 30)
    source.open()
    try:
        with pytest.raises(SourceError) as info:
            for _ in range(50):
                source.read()
    finally:
        source.close()
    assert "exited with code 1" in str(info.value)
    assert "camera vanished" in str(info.value)


def test_worker_restarts_a_dead_rpicam_with_backoff_and_then_reads(
    fake_rpicam, monkeypatch, tmp_path
):
    """First launch: 3 empty frames, then the process dies. The worker reopens it (a new
    process) and the QR the second launch shows is read."""
    monkeypatch.setenv("FAKE_RPICAM_DIE_AFTER", "3")
    monkeypatch.setenv("FAKE_RPICAM_QR_AFTER", "4")  # the first launch never shows it
    statuses, reads, got = [], [], threading.Event()
    source = RpicamSource(0, 640, 480, 15)
    worker = CameraWorker(
        source,
        pipeline_for(ScannerSection()),
        lambda read, origin, ms: (reads.append(read.text), got.set()),
        backoff=Backoff(first_s=0.2, max_s=0.4),
        stop_at_end=False,
    )
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while not got.is_set() and time.monotonic() < deadline:
            statuses.append(worker.status)
            time.sleep(0.02)
    finally:
        worker.stop()
    assert got.is_set(), statuses
    assert "unplugged" in statuses  # the death was seen, not hidden
    assert len(launches(tmp_path)) >= 2 and reads[0] == CARD


def test_a_hung_rpicam_fails_the_read_instead_of_hanging(fake_rpicam, tmp_path, monkeypatch):
    """After its first frame a silent rpicam-vid fails a read within read_timeout_s (the
    first frame alone may take FIRST_FRAME_S: libcamera's start-up)."""
    import devices.scanner.rpicam as rpicam

    monkeypatch.setattr(rpicam, "FIRST_FRAME_S", 0.5)
    exe = tmp_path / "silent-vid"
    exe.write_text("#!/bin/sh\nexec sleep 30\n")
    exe.chmod(0o755)
    source = RpicamSource(0, executable=str(exe), read_timeout_s=0.2)
    source.open()
    t0 = time.monotonic()
    try:
        with pytest.raises(SourceError, match="no frame for 0.5s"):
            source.read()
    finally:
        source.close()
    assert time.monotonic() - t0 < 3
    monkeypatch.setattr(rpicam, "FIRST_FRAME_S", 10.0)  # the stand-in's start-up (cv2 import)
    source = RpicamSource(0, 160, 120, 2, read_timeout_s=0.2)  # 2 fps: 0.5 s between frames
    source.open()
    try:
        source.read()
        with pytest.raises(SourceError, match="no frame for 0.2s"):
            source.read()
    finally:
        source.close()


def test_missing_rpicam_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_rpicam() is None
    with pytest.raises(SourceError, match="rpicam-apps-lite"):
        RpicamSource(0).open()


def fake_sys(tmp_path, *names: str):
    root = tmp_path / "sys"
    for i, name in enumerate(names):
        node = root / "class" / "video4linux" / f"video{i}"
        node.mkdir(parents=True)
        (node / "name").write_text(name + "\n")
    return root


def test_auto_prefers_rpicam_only_with_the_program_and_a_ribbon_camera(tmp_path):
    has = {"rpicam-vid": "/usr/bin/rpicam-vid"}.get
    none = {}.get
    pi4 = fake_sys(tmp_path / "a", "bcm2835-codec-decode", "unicam-image", "unicam-embedded")
    usb_only = fake_sys(tmp_path / "b", "bcm2835-isp", "HD Pro Webcam C920")
    choice = choose_camera("auto", 0, which=has, sys_root=pi4)
    assert (choice.source, choice.executable) == ("rpicam", "/usr/bin/rpicam-vid")
    assert "unicam-image" in choice.describe()
    assert choose_camera("auto", 0, which=has, sys_root=usb_only).source == "v4l2"
    assert choose_camera("auto", 0, which=none, sys_root=pi4).source == "v4l2"
    assert choose_camera("auto", "/dev/video2", which=has, sys_root=pi4).source == "v4l2"
    assert choose_camera("v4l2", 0, which=has, sys_root=pi4).source == "v4l2"
    old = {"libcamera-vid": "/usr/bin/libcamera-vid"}.get
    assert choose_camera("rpicam", 0, which=old).executable == "/usr/bin/libcamera-vid"


def test_frame_source_follows_the_camera_source():
    settings = ScannerSection(camera=0)
    assert isinstance(frame_source_for(settings, "v4l2"), CameraSource)
    assert isinstance(frame_source_for(settings, "rpicam"), RpicamSource)


def test_camera_source_key_is_validated_with_a_clear_message(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[camera]\nsource = "csi"\n[scanner]\ncamera = 0\ncamera_fps = 15\n')
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, environ={})
    (problem,) = info.value.problems
    assert problem.key == "[camera] source"
    assert "'v4l2', 'rpicam' or 'auto'" in problem.problem and "'csi'" in problem.problem
    assert "rpicam-vid" in problem.fix
    cfg.write_text('[camera]\nsource = "rpicam"\n[scanner]\ncamera = 0\ncamera_fps = 15\n')
    settings = load_settings(cfg, environ={})  # the [scanner] camera keys keep working
    assert (settings.camera.source, settings.scanner.camera_fps) == ("rpicam", 15)
    assert load_settings(tmp_path / "none.toml", environ={}, must_exist=False).camera.source == (
        "auto"
    )
