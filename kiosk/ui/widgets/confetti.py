"""Confetti for the reward screen: coloured pieces falling, redrawn from the Clock."""

from __future__ import annotations

import random

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.widget import Widget

from kiosk.ui.canvas import canvas

COLOURS = [(0.96, 0.65, 0.25, 1), (0.45, 0.80, 0.50, 1), (0.95, 0.45, 0.45, 1), (0.5, 0.7, 1, 1)]


class Confetti(Widget):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._pieces: list[list[float]] = []
        self._ev = None
        self._rng = random.Random(7)  # deterministic: screenshots compare across runs

    def start(self, n: int = 60) -> None:
        self.stop()
        rng = self._rng
        self._pieces = [
            [rng.random(), 1 + rng.random() * 0.6, 0.15 + rng.random() * 0.25, rng.randrange(4)]
            for _ in range(n)
        ]
        self._ev = Clock.schedule_interval(self._step, 1 / 30)
        self._step(0)

    def stop(self) -> None:
        if self._ev is not None:
            self._ev.cancel()
            self._ev = None
        canvas(self).clear()

    def _step(self, dt: float) -> None:
        canvas(self).clear()
        size = max(6.0, min(self.width, self.height) / 40)
        with canvas(self):
            for p in self._pieces:
                p[1] -= p[2] * dt
                if p[1] < -0.05:
                    p[1] = 1.05
                Color(*COLOURS[int(p[3])])
                Rectangle(
                    pos=(self.x + p[0] * self.width, self.y + p[1] * self.height),
                    size=(size, size * 0.6),
                )
