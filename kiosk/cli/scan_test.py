"""Decode from a camera, a video file, a folder of images, a serial port or a HID scanner,
and print every read (with --json: one JSON object a line: text, symbology, source, ms,
kind). Exit 0 when something was read, 1 when nothing was, 69 when the source is missing,
78 on a bad config.

--preview (with --camera or --video) opens a Kivy window with the newest frame and the
last read drawn over it (kiosk/ui/scan_preview.py) when there is a display: DISPLAY,
WAYLAND_DISPLAY or an explicit SDL_VIDEODRIVER (kmsdrm on a Pi console; offscreen in
tests). Reads are printed as without it; Esc or closing the window ends the run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable
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
    p.add_argument(
        "--camera-source",
        choices=("v4l2", "rpicam", "auto"),
        default=None,
        help="with --camera: how to read it (default: the config's [camera] source)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object a line")
    p.add_argument("--formats", help="comma-separated symbologies (default: the config's)")
    p.add_argument(
        "--seconds", type=float, default=0, help="live sources and --preview: stop after this long"
    )
    p.add_argument("--count", type=int, default=0, help="live sources: stop after this many reads")
    p.add_argument(
        "--preview",
        action="store_true",
        help="camera / video: a live window with the decode overlay (needs a display)",
    )
    p.add_argument(
        "--show-secrets",
        action="store_true",
        help="print staff badges in full (default: the badge's secret part is masked)",
    )
    # tests: screenshots + overlay text into this folder while the preview runs
    p.add_argument("--preview-shots", type=Path, default=None, help=argparse.SUPPRESS)


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
    text = _shown(args, text)
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


def _shown(args: argparse.Namespace, text: str) -> str:
    """A staff badge is a login: its secret part is masked unless --show-secrets."""
    if getattr(args, "show_secrets", False):
        return text
    from kiosk.appliance.logging_setup import redact_badges

    return redact_badges(text)


def run(args: argparse.Namespace) -> int:
    try:
        loaded = load_settings(args.config, must_exist=args.config is not None)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EX_CONFIG
    settings = loaded.scanner
    args.camera_source = args.camera_source or loaded.camera.source
    from kiosk.appliance.logging_setup import register_badge_prefix

    register_badge_prefix(settings.staff_badge_prefix)
    if args.formats:
        settings = settings.model_copy(
            update={"formats": [f.strip() for f in args.formats.split(",")]}
        )
    args.preview = _preview_wanted(args)
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
    """Every frame in order (a test tool: no frame dropped), debounced in video time.

    With a preview the frames are paced at the file's fps (a technician watches them) on a
    worker thread, while the window runs on this one."""
    from devices.scanner.sources import SourceError, VideoFileSource

    src = VideoFileSource(args.video)
    try:
        src.open()
    except SourceError as exc:
        print(f"kiosk scan-test: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    if not args.preview:
        return EX_OK if _video_frames(args, settings, src) else EX_FAIL
    from kiosk.ui.scan_preview import PreviewFeed, run_preview

    feed, stop, result = PreviewFeed(lambda t: _shown(args, t)), threading.Event(), [0]
    feed.status = f"video {args.video.name}"

    def play() -> None:
        feed.ready.wait(30)  # from its first frame on: the window takes a moment to open
        result[0] = _video_frames(args, settings, src, feed=feed, stop=stop)
        feed.status = f"end of video {args.video.name}"

    worker = threading.Thread(target=play, name="scan-test video", daemon=True)
    started = time.monotonic()
    worker.start()

    def tick() -> None:
        if args.seconds and time.monotonic() - started >= args.seconds:
            feed.finished = True

    try:
        run_preview(feed, tick, args.preview_shots)
    finally:
        stop.set()
        feed.ready.set()
        worker.join(5)
    return EX_OK if result[0] else EX_FAIL


def _video_frames(
    args: argparse.Namespace,
    settings: Any,
    src: Any,
    *,
    feed: Any = None,
    stop: threading.Event | None = None,
) -> int:
    """Decode every frame of an open video file; the number of reads printed."""
    from devices.scanner.debounce import Debouncer
    from devices.scanner.manager import pipeline_for

    pipeline, debounce = pipeline_for(settings), Debouncer(settings.debounce_s)
    period = src._period
    index = reads = 0
    next_at = time.monotonic()
    try:
        while (item := src.read()) is not None:
            if stop is not None and stop.is_set():
                break
            t0 = time.perf_counter()
            found = pipeline.decode(item[0])
            ms = (time.perf_counter() - t0) * 1000
            for r in found:
                if feed is not None:
                    feed.on_read(r.text, r.symbology, ms, r.box, item[0])
                if debounce.accept(r.text, at=index * period):
                    _emit(args, settings, r.text, r.symbology, item[1], ms, frame=index)
                    reads += 1
            index += 1
            if feed is not None and stop is not None:
                feed.on_frame(item[0])
                next_at += period
                stop.wait(max(0.0, next_at - time.monotonic()))
    finally:
        src.close()
    return reads


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

    manager = ScannerManager(settings, on_event, camera_source=args.camera_source)
    feed = None
    step_preview: Callable[[], None] | None = None
    if args.preview and manager.camera is not None:
        from kiosk.ui.scan_preview import PreviewFeed

        feed = PreviewFeed(lambda t: _shown(args, t))
        step_preview = _tap_preview(manager.camera, feed)
    manager.start()
    last_status: dict[str, str] = {}
    ever_ok = False

    first_tick = True

    def tick() -> bool:
        """One look at the manager: status lines, the preview's frame, stop conditions.

        A preview counts --seconds from its first tick, so a window that took long to open
        (a loaded Pi) still shows for the seconds asked; the status is printed before any
        stop, so a run always says what the source was doing."""
        nonlocal last_status, ever_ok, started, first_tick
        if first_tick and feed is not None:
            started = time.monotonic()
        first_tick = False
        status = manager.status()
        ever_ok = ever_ok or "ok" in status.values()
        if status != last_status:
            print("status: " + ", ".join(f"{k}={v}" for k, v in status.items()), file=sys.stderr)
            last_status = status
        if done.is_set() or (args.seconds and time.monotonic() - started >= args.seconds):
            if feed is not None:
                feed.finished = True
            return False
        if feed is not None and step_preview is not None:
            step_preview()
            feed.status = ", ".join(f"{k} {v}" for k, v in status.items())
        return True

    try:
        if feed is not None:
            from kiosk.ui.scan_preview import run_preview

            run_preview(feed, tick, args.preview_shots)
        else:
            while tick():
                done.wait(0.05)
    finally:
        manager.stop()
    if count:
        return EX_OK
    return EX_FAIL if ever_ok else EX_UNAVAILABLE  # never opened: the device is missing


def _tap_preview(camera: Any, feed: Any) -> Callable[[], None]:
    """The preview gets every decoded frame together with what was read in it (raw reads,
    before debounce, with their boxes), straight from the decode thread: the box of frame
    N is only ever drawn over frame N. The returned step (each UI tick) offers the camera's
    newest frame too, which the feed shows only while the decoder is stuck (no box)."""
    camera.on_decoded = feed.on_decoded
    return lambda: feed.on_camera_frame(camera.last_frame)


def _preview_wanted(args: argparse.Namespace) -> bool:
    """--preview and somewhere to show it; otherwise one clear note and reads as usual."""
    if not args.preview:
        return False
    if args.camera is None and args.video is None:
        print("scan-test: --preview works with --camera and --video only", file=sys.stderr)
        return False
    from kiosk.ui.display import on_linux_console
    from kiosk.ui.window import headless

    if headless() and not os.environ.get("SDL_VIDEODRIVER") and on_linux_console():
        os.environ["SDL_VIDEODRIVER"] = "kmsdrm"  # a Pi's console, no desktop: draw on KMS
    if headless() and not os.environ.get("SDL_VIDEODRIVER"):
        print(
            "scan-test: no display (DISPLAY, WAYLAND_DISPLAY or SDL_VIDEODRIVER=kmsdrm unset): "
            "no preview window; printing reads only",
            file=sys.stderr,
        )
        return False
    from kiosk.ui.window import prepare_window

    # Kivy's default log mode swallows sys.stderr (our status lines); MIXED leaves it alone
    os.environ.setdefault("KIVY_LOG_MODE", "MIXED")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")  # no INFO banner on import
    prepare_window(960, 640)
    return True
