"""Decode from a camera, a video file, a folder of images, a serial port or a HID scanner,
and print every read (with --json: one JSON object a line: text, symbology, source, ms,
kind). Exit 0 when something was read, 1 when nothing was, 69 when the source is missing,
78 on a bad config.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from kiosk.cli import EX_CONFIG, EX_FAIL, EX_OK, EX_UNAVAILABLE
from kiosk.config import ConfigError, load_settings

NAME = "scan-test"
HELP = "decode from camera / video / images / serial / HID and print what was read"


def add_arguments(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--camera", metavar="N", help="camera index or /dev/video path")
    src.add_argument("--video", metavar="F", type=Path, help="a video file")
    src.add_argument("--images", metavar="DIR", type=Path, help="a folder of images")
    src.add_argument("--serial", metavar="PORT", help="serial scanner / NFC reader port")
    src.add_argument("--hid", metavar="DEV", help="keyboard-wedge scanner as VID:PID or event path")
    p.add_argument("--json", action="store_true", help="one JSON object a line")
    p.add_argument("--formats", help="comma-separated symbologies (default: the config's)")
    p.add_argument("--seconds", type=float, default=0, help="live sources: stop after this long")
    p.add_argument("--count", type=int, default=0, help="live sources: stop after this many reads")
    p.add_argument(
        "--preview",
        action="store_true",
        help="camera: show a live preview window (needs a display and OpenCV GUI)",
    )


def _emit(
    args: argparse.Namespace,
    settings: Any,
    text: str,
    symbology: str,
    source: str,
    ms: float,
    **extra: Any,
) -> None:
    from kiosk.scan_router import classify

    kind = classify(text, settings).kind.value
    if args.json:
        print(
            json.dumps(
                {
                    "text": text,
                    "symbology": symbology,
                    "source": source,
                    "ms": round(ms, 2),
                    "kind": kind,
                    **extra,
                }
            ),
            flush=True,
        )
    else:
        print(f"{source}: {symbology}: {text!r} ({kind}, {ms:.1f} ms)", flush=True)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config, must_exist=args.config is not None).scanner
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EX_CONFIG
    if args.formats:
        settings = settings.model_copy(
            update={"formats": [f.strip() for f in args.formats.split(",")]}
        )
    if args.images is not None:
        return _images(args, settings)
    if args.video is not None:
        return _video(args, settings)
    return _live(args, settings)


def _images(args: argparse.Namespace, settings: Any) -> int:
    from devices.scanner.manager import pipeline_for
    from devices.scanner.sources import ImageFolderSource, SourceError

    src = ImageFolderSource(args.images)
    try:
        src.open()
    except SourceError as exc:
        print(f"kiosk scan-test: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    pipeline = pipeline_for(settings, idle_retry_every=1)  # one look per image: try everything
    reads = 0
    while (item := src.read()) is not None:
        frame, path = item
        pipeline.forget()  # unrelated images: no "last seen region"
        t0 = time.perf_counter()
        found = pipeline.decode(frame)
        ms = (time.perf_counter() - t0) * 1000
        for r in found:
            _emit(args, settings, r.text, r.symbology, path, ms)
        reads += len(found)
    return EX_OK if reads else EX_FAIL


def _video(args: argparse.Namespace, settings: Any) -> int:
    """Every frame in order (a test tool: no frame dropped), debounced in video time."""
    from devices.scanner.debounce import Debouncer
    from devices.scanner.manager import pipeline_for
    from devices.scanner.sources import SourceError, VideoFileSource

    src = VideoFileSource(args.video)
    try:
        src.open()
    except SourceError as exc:
        print(f"kiosk scan-test: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    pipeline, debounce = pipeline_for(settings), Debouncer(settings.debounce_s)
    period = src._period
    index = reads = 0
    while (item := src.read()) is not None:
        t0 = time.perf_counter()
        found = pipeline.decode(item[0])
        ms = (time.perf_counter() - t0) * 1000
        for r in found:
            if debounce.accept(r.text, at=index * period):
                _emit(args, settings, r.text, r.symbology, item[1], ms, frame=index)
                reads += 1
        index += 1
    src.close()
    return EX_OK if reads else EX_FAIL


def _live(args: argparse.Namespace, settings: Any) -> int:
    """Camera, serial or HID through the ScannerManager, exactly as the kiosk runs them."""
    from devices.scanner.manager import ScannerManager

    update: dict[str, Any] = {
        "camera": None,
        "video_file": None,
        "image_dir": None,
        "serial_port": "",
        "hid_device": "",
    }
    if args.camera is not None:
        update["camera"] = int(args.camera) if args.camera.isdigit() else args.camera
    elif args.serial:
        update["serial_port"] = args.serial
    else:
        update["hid_device"] = args.hid
    settings = settings.model_copy(update=update)
    done = threading.Event()
    count = 0
    started = time.monotonic()

    def on_event(ev: Any) -> None:
        nonlocal count
        _emit(args, settings, ev.text, ev.symbology, ev.source, (time.monotonic() - ev.at) * 1000)
        count += 1
        if args.count and count >= args.count:
            done.set()

    manager = ScannerManager(settings, on_event)
    manager.start()
    last_status: dict[str, str] = {}
    ever_ok = False
    preview = _Preview() if args.preview and args.camera is not None else None
    try:
        while not done.is_set():
            if args.seconds and time.monotonic() - started >= args.seconds:
                break
            status = manager.status()
            ever_ok = ever_ok or "ok" in status.values()
            if status != last_status:
                print(
                    "status: " + ", ".join(f"{k}={v}" for k, v in status.items()), file=sys.stderr
                )
                last_status = status
            if preview and manager.camera is not None:
                preview.show(manager.camera.last_frame)
            done.wait(0.05)
    finally:
        manager.stop()
    if count:
        return EX_OK
    return EX_FAIL if ever_ok else EX_UNAVAILABLE  # never opened: the device is missing


class _Preview:
    """A live window when a display and OpenCV's GUI are there; otherwise one clear note."""

    def __init__(self) -> None:
        self.ok = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if not self.ok:
            print("scan-test: no display, no preview window", file=sys.stderr)

    def show(self, frame: Any) -> None:
        if not self.ok or frame is None:
            return
        import cv2

        try:
            cv2.imshow("kiosk scan-test", frame)
            cv2.waitKey(1)
        except cv2.error:
            self.ok = False
            print(
                "scan-test: this OpenCV has no GUI (headless build): no preview window",
                file=sys.stderr,
            )
