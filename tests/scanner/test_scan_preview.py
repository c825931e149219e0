"""`kiosk scan-test --preview`: a real Kivy window (SDL offscreen) fed by a video file.

The hidden --preview-shots hook makes the app write numbered screenshots and, next to each,
what the overlay said at that moment; the test reads both and the stdout of the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from devices.scanner.synth import render_phone_frame

CARD = "https://loyalty.example.com/c/Preview_Card_Token_0042"
SIZE = (640, 480)


def kiosk(*args: str, display: bool) -> subprocess.CompletedProcess[str]:
    drop = ("KIOSK", "DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    if display:
        env["SDL_VIDEODRIVER"] = "offscreen"  # a display, as far as the preview can tell
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "scan-test", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )


def moving_code_video(path: Path, frames: int = 40) -> Path:
    """A phone drifting right 5 px a frame: every frame differs, every frame holds the QR."""
    base = render_phone_frame(CARD, "qr", SIZE, seed=2, dark=False)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15, SIZE)
    for i in range(frames):
        shift = np.float32([[1, 0, 5 * i - 100], [0, 1, 0]])
        writer.write(cv2.warpAffine(base, shift, SIZE, borderMode=cv2.BORDER_REPLICATE))
    writer.release()
    return path


def green_pixels(img: np.ndarray) -> int:
    b, g, r = img[..., 0].astype(int), img[..., 1].astype(int), img[..., 2].astype(int)
    return int(((g > 200) & (r < 120) & (b < 150)).sum())


def test_preview_window_shows_frames_and_the_decode_overlay(tmp_path: Path) -> None:
    video = moving_code_video(tmp_path / "clip.avi")
    shots = tmp_path / "shots"
    proc = kiosk(
        "--video", str(video), "--preview", "--json", "--seconds", "4",
        "--preview-shots", str(shots), display=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "no preview" not in proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["text"], r["symbology"], r["kind"], r["frame"]) for r in rows] == [
        (CARD, "qr", "card", 0)
    ]  # reads still printed (debounced) while the window runs

    stats = [json.loads((shots / f"shot-{i}.json").read_text()) for i in range(3)]
    stats += [
        json.loads(p.read_text())
        for p in sorted(shots.glob("shot-*.json"))
        if p.name not in {f"shot-{i}.json" for i in range(3)}
    ]
    assert len(stats) >= 4
    shown = [s["frames_shown"] for s in stats]
    assert shown == sorted(shown) and shown[-1] >= 10  # the texture kept updating
    assert {s["textures_created"] for s in stats if s["frames_shown"]} == {1}  # one texture
    captions = [s["caption"] for s in stats if CARD in s["caption"]]
    assert captions and captions[-1].startswith("QR  ·  ") and " ms  ·  " in captions[-1]

    images = [cv2.imread(str(shots / f"shot-{i}.png")) for i in range(1, len(stats))]
    assert all(img is not None and img.shape[:2] == (640, 960) for img in images)
    body = [img[80:560, 80:880] for img in images]  # the frame, away from the text bars
    # real pixels, not a blank window, once a frame was shown (a loaded machine can take the
    # first shot before the first frame arrives: that shot says frames_shown 0)
    framed = [b for b, s in zip(body, stats[1:], strict=False) if s["frames_shown"]]
    assert len(framed) >= 2 and all(float(b.std()) > 20 for b in framed)
    diffs = [float(cv2.absdiff(a, b).mean()) for a, b in zip(body, body[1:], strict=False)]
    assert max(diffs) > 3  # the picture moves with the video
    boxed = [img for img, s in zip(images, stats[1:], strict=False) if s["box_visible"]]
    assert boxed and green_pixels(boxed[0]) > 500  # the green box around the code


def test_preview_without_a_display_says_so_and_still_prints_reads(tmp_path: Path) -> None:
    video = moving_code_video(tmp_path / "clip.avi", frames=6)
    proc = kiosk("--video", str(video), "--preview", display=False)
    assert proc.returncode == 0, proc.stderr
    assert "no display" in proc.stderr and "no preview window" in proc.stderr
    assert CARD in proc.stdout


def test_preview_of_a_missing_camera_shows_its_status_and_exits_69(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    proc = kiosk(
        "--camera", "/dev/video-missing", "--preview", "--seconds", "2.5",
        "--preview-shots", str(shots), display=True,
    )  # fmt: skip
    assert proc.returncode == 69, proc.stderr[-2000:]
    assert "camera:/dev/video-missing=retrying" in proc.stderr
    stats = [json.loads(p.read_text()) for p in sorted(shots.glob("shot-*.json"))]
    assert any("camera:/dev/video-missing retrying" in s["footer"] for s in stats)
    assert all(s["caption"].startswith("no code read yet") for s in stats)
    assert all(s["frames_shown"] == 0 and not s["box_visible"] for s in stats)


ESC_SCRIPT = """
import sys, time
from kivy.clock import Clock


class Tee:
    # notes when scan-test printed its first read, so Esc comes after it even when a
    # loaded machine decodes the clip slowly
    def __init__(self, out):
        self.out, self.read = out, False

    def write(self, text):
        self.read = self.read or '"text"' in text
        return self.out.write(text)

    def flush(self):
        self.out.flush()


sys.stdout = tee = Tee(sys.stdout)


def esc(_dt):
    if not tee.read and time.monotonic() - started < 40:
        Clock.schedule_once(esc, 0.2)
        return
    from kivy.core.window import Window
    Window.dispatch("on_keyboard", 27, 9, "", [])  # what SDL delivers for the Esc key

Clock.schedule_once(esc, float(sys.argv[2]))
from kiosk.cli import main
started = time.monotonic()
rc = main(["scan-test", "--video", sys.argv[1], "--preview", "--json"])
print("RESULT", rc, round(time.monotonic() - started, 1), flush=True)
"""


def test_esc_closes_the_preview_with_the_usual_exit_code(tmp_path: Path) -> None:
    """No --seconds: the clip ends, the window stays (a technician looks at it) until Esc."""
    video = moving_code_video(tmp_path / "clip.avi", frames=15)  # 1 s of video
    drop = ("KIOSK", "DISPLAY", "WAYLAND_DISPLAY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["SDL_VIDEODRIVER"] = "offscreen"
    env["KIVY_LOG_MODE"] = "MIXED"
    proc = subprocess.run(
        [sys.executable, "-c", ESC_SCRIPT, str(video), "3.0"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert json.loads(lines[0])["text"] == CARD
    _, rc, seconds = lines[-1].split()
    assert rc == "0" and 2.5 <= float(seconds) < 45  # stayed open past the clip, then Esc
