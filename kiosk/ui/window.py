"""Window set-up that must happen before kivy.core.window is imported.

Why a big surface: SDL's offscreen EGL surface keeps the size it was created with; a
later Window.size larger than that draws garbage, smaller works. Headless runs (tests,
demo recordings, bench) therefore create one surface big enough for every layout we
check (1920x1920 holds 1920x1080 and 1080x1920) and shrink the window per layout.
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Callable


def headless() -> bool:
    return not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")


def prepare_window(
    width: int = 1280,
    height: int = 800,
    *,
    fullscreen: bool = False,
    surface: tuple[int, int] | None = None,
) -> None:
    """Configure Kivy's window (call before anything imports kivy.core.window)."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    if headless():
        os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from kivy.config import Config

    w, h = surface or (width, height)
    Config.set("graphics", "width", str(w))
    Config.set("graphics", "height", str(h))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "resizable", "1")
    # One input source for the mouse, no multitouch emulation (red dots on right click),
    # and no exit on Escape: a kiosk has no keyboard user to press it on purpose.
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "log_level", os.environ.get("KIOSK_KIVY_LOG", "warning"))


def offscreen() -> bool:
    """SDL draws into an offscreen EGL pbuffer: tests, demo recordings, headless `kiosk run`."""
    return os.environ.get("SDL_VIDEODRIVER", "") == "offscreen"


def finish_offscreen_frames(window) -> None:
    """On SDL's offscreen driver, wait for each frame's GL commands after it is drawn.

    Why: the offscreen driver "swaps" a pbuffer, and for a pbuffer eglSwapBuffers does
    nothing, so nothing ever flushes the GL command stream. Mesa's software renderer then
    keeps every frame's queued commands and their vertex data on the heap: `kiosk run` on
    the attract screen (its arrow animates, so every frame is drawn) grew ~35 MiB/s and was
    OOM-killed under its unit. glFinish after each frame holds it flat (measured: 243 MiB
    after warm-up, ±0). An X11 window (GLX/EGL swap) and KMS/DRM (eglSwapBuffers on a GBM
    window surface, then a page flip) flush on every swap, so nothing is bound there.
    Binding twice is harmless: the same callback is unbound first.
    """
    if not offscreen():
        return
    window.unbind(on_flip=_finish_frame)
    window.bind(on_flip=_finish_frame)


def _finish_frame(*_args: object) -> None:
    _gl_finish()()


@functools.cache
def _gl_finish() -> Callable[[], object]:
    """glFinish through ctypes, which lets go of the GIL while the call waits.

    Why: Kivy's own glFinish holds the GIL, and on Mesa's software renderer one frame's
    glFinish waits ~28 ms at 1280x800; every Python thread (the stamp worker, the API
    client) stood still meanwhile, and a scan took ~12 frames, ~350 ms, to reach the card
    state. libGL dispatches to the context current on this thread (libglvnd), whatever
    opened it. Kivy's call stays the fallback where libGL cannot be loaded."""
    try:
        finish = ctypes.CDLL("libGL.so.1").glFinish
    except (OSError, AttributeError):
        from kivy.graphics.opengl import glFinish

        return glFinish
    finish.restype, finish.argtypes = None, []
    return finish
