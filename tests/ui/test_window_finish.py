"""The offscreen frame finish (kiosk/ui/window.py) must not hold the GIL while it waits.

Kivy's glFinish holds it, and on Mesa's software renderer a frame's finish waits ~28 ms:
the stamp worker stood still through every frame and bench/kiosk.py's scan -> card state
went from p50 18 ms to 362 ms. A ctypes call lets go of the GIL; this guards the choice."""

from __future__ import annotations

import ctypes
import ctypes.util

import pytest

from kiosk.ui import window


@pytest.mark.skipif(ctypes.util.find_library("GL") is None, reason="no libGL on this machine")
def test_the_frame_finish_is_a_ctypes_call_that_releases_the_gil() -> None:
    finish = window._gl_finish()  # pyright: ignore[reportPrivateUsage]
    assert isinstance(finish, ctypes._CFuncPtr)  # pyright: ignore[reportPrivateUsage]
    # a PyDLL function keeps the GIL through the call; a CDLL one lets go of it
    assert not finish._flags_ & ctypes._FUNCFLAG_PYTHONAPI  # pyright: ignore
    assert finish.__name__ == "glFinish"
