"""A stand-in `rpicam-vid` for tests: a small Python program put on PATH that behaves like
`rpicam-vid --codec mjpeg -o -` at the process boundary (argv in, MJPEG bytes out on
stdout, chatter on stderr, an exit code when it fails).

It writes real JPEG images (cv2.imencode) of an empty counter, or of a phone showing a QR
code (devices/scanner/synth.py), at the --framerate it was given. Its behaviour comes
from the environment, so a test can change it between launches:
  FAKE_RPICAM_PAYLOAD    text of the QR code shown ("" = empty counter only)
  FAKE_RPICAM_QR_AFTER   empty frames before the QR appears (default 0)
  FAKE_RPICAM_DIE_AFTER  on the FIRST launch only: exit 1 after this many frames (0 = never)
  FAKE_RPICAM_LOG        a file that gets one line per launch: the argv
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """#!{python}
import os, sys, time
sys.path.insert(0, {root!r})
import cv2
import numpy as np
from devices.scanner.synth import render_phone_frame

args = sys.argv[1:]
launch = 1
log = os.environ.get("FAKE_RPICAM_LOG")
if log:
    with open(log, "a") as f:
        f.write(" ".join(args) + "\\n")
    with open(log) as f:
        launch = sum(1 for _ in f)
def arg(name, default):
    return args[args.index(name) + 1] if name in args else default
if arg("--codec", "") != "mjpeg" or arg("-o", "") != "-":
    print("ERROR: fake rpicam-vid only knows --codec mjpeg -o -", file=sys.stderr)
    sys.exit(2)
w, h, fps = int(arg("--width", 640)), int(arg("--height", 480)), float(arg("--framerate", 30))
payload = os.environ.get("FAKE_RPICAM_PAYLOAD", "")
qr_after = int(os.environ.get("FAKE_RPICAM_QR_AFTER", "0"))
die_after = int(os.environ.get("FAKE_RPICAM_DIE_AFTER", "0")) if launch == 1 else 0
empty = np.full((h, w, 3), 90, dtype=np.uint8)
phone = render_phone_frame(payload, "qr", (w, h), tier="mild", seed=1, dark=False) if payload else empty
jpeg = {{
    False: cv2.imencode(".jpg", empty)[1].tobytes(),
    True: cv2.imencode(".jpg", phone)[1].tobytes(),
}}
print("[0:00:00.1] [1] INFO Camera camera_manager.cpp:327 libcamera v0.3.0 (fake)", file=sys.stderr, flush=True)
out = sys.stdout.buffer
n = 0
try:
    while True:
        if die_after and n >= die_after:
            print("ERROR: *** failed to dequeue buffer: camera vanished ***", file=sys.stderr, flush=True)
            sys.exit(1)
        out.write(jpeg[bool(payload) and n >= qr_after])
        out.flush()
        n += 1
        time.sleep(1 / fps)
except (BrokenPipeError, KeyboardInterrupt):
    pass
"""


def install_fake_rpicam(bin_dir: Path, name: str = "rpicam-vid") -> Path:
    """Write the stand-in as bin_dir/name (executable); put bin_dir on PATH yourself."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / name
    exe.write_text(SCRIPT.format(python=sys.executable, root=str(ROOT)))
    exe.chmod(0o755)
    return exe
