"""Where `kiosk run` draws: a desktop, the Pi's screen through KMS/DRM, or offscreen.

Why this choice is made out loud: without DISPLAY or WAYLAND_DISPLAY, SDL falls back to
its offscreen driver (meant for tests), and a kiosk started by hand on the Pi's text
console then "ran", reported its first frame, and showed nothing. The unit sets
SDL_VIDEODRIVER=kmsdrm; on a text console with a DRM card we do the same, and where we
cannot draw on any screen we say so before the window opens.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import MutableMapping

OFFSCREEN_DRIVERS = ("offscreen", "dummy")


def on_linux_console() -> bool:
    """Typed on a text console (/dev/ttyN) of a machine with a DRM card: the technician
    sits at the Pi's own screen, so KMS can show the window (over ssh: a pts, no)."""
    try:
        tty = os.ttyname(sys.stdin.fileno())
    except (OSError, ValueError):
        return False
    return bool(re.fullmatch(r"/dev/tty\d+", tty)) and bool(glob.glob("/dev/dri/card*"))


def choose_video_driver(
    environ: MutableMapping[str, str] | None = None, *, console: bool | None = None
) -> str:
    """Set SDL_VIDEODRIVER for `kiosk run` (before Kivy loads) and return one line saying
    where the kiosk draws. An explicit SDL_VIDEODRIVER (the unit's kmsdrm) always wins."""
    env = os.environ if environ is None else environ
    chosen = env.get("SDL_VIDEODRIVER", "")
    if chosen in OFFSCREEN_DRIVERS:
        return f"drawing offscreen (SDL_VIDEODRIVER={chosen}): nothing is shown on any screen"
    if chosen:
        return f"drawing with SDL_VIDEODRIVER={chosen}"
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return "drawing in a desktop window"
    if on_linux_console() if console is None else console:
        env["SDL_VIDEODRIVER"] = "kmsdrm"
        return "drawing on this screen through KMS/DRM (text console, no desktop)"
    env["SDL_VIDEODRIVER"] = "offscreen"
    return (
        "no display: not on a text console of this machine and no DISPLAY/WAYLAND_DISPLAY, "
        "so drawing offscreen: nothing is shown on any screen. On the Pi's screen: stop the "
        "service and run it on tty1, or set SDL_VIDEODRIVER=kmsdrm"
    )


def drawing_offscreen(environ: MutableMapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("SDL_VIDEODRIVER", "") in OFFSCREEN_DRIVERS
