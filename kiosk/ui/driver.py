"""Drive a KioskApp without App.run(): frames on demand, real touches, screenshots.

Why: the headless demo, the UI tests and the benchmark all need the real app, real
widgets and real pixels (SDL offscreen when DISPLAY is unset) but step it themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch


class Driver:
    def __init__(self, app) -> None:
        self.app = app

    def start(self, size: tuple[int, int] | None = None) -> Driver:
        if size:
            Window.size = size
        self.app._run_prepare()
        EventLoop.start()
        self.frames(3)
        return self

    def stop(self) -> None:
        self.app.stop()
        self.frames(1)

    def frames(self, n: int = 1) -> None:
        for _ in range(n):
            EventLoop.idle()

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            EventLoop.idle()

    def wait_for(self, pred: Callable[[], bool], timeout: float = 5.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            EventLoop.idle()
            if pred():
                return True
        return False

    def wait_screen(self, name: str, timeout: float = 5.0) -> bool:
        return self.wait_for(
            lambda: (
                self.app.root.sm.current == name
                and getattr(self.app.rendered, "screen", "") == name
            ),
            timeout,
        )

    def resize(self, size: tuple[int, int]) -> None:
        Window.size = size
        self.frames(4)

    def tap(self, widget, hold: float = 0.0) -> None:
        self.frames(2)  # layouts settle one frame after a screen change
        x, y = widget.to_window(*widget.center)
        self.tap_at(x, y, hold)

    def tap_at(self, x: float, y: float, hold: float = 0.0) -> None:
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frames(1)
        if hold:
            self.pump(hold)
        touch.touch_up()
        self.frames(2)

    def screenshot(self, path: Path) -> Path:
        """Real pixels of the window, written to exactly `path` (Kivy appends a counter)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.frames(2)
        written = Window.screenshot(name=str(path.with_name(path.stem + "_.png")))
        Path(written).replace(path)
        return path
