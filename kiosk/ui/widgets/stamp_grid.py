"""StampGrid: the card's stamps as circles toward the goal, milestones ringed and numbered.

The newest stamp (`animate_index`) grows in with a bounce so the customer sees what this
visit added. Drawn on the canvas: no images to ship, crisp at every size.
"""

from __future__ import annotations

import math

from kivy.animation import Animation
from kivy.graphics import Color, Ellipse, Line
from kivy.properties import ListProperty, NumericProperty
from kivy.uix.widget import Widget

from kiosk.ui.canvas import canvas
from kiosk.ui.theme import CUSTOMER

MAX_CELLS = 30  # a goal of 1000 must not draw 1000 circles per frame (the text says the count)


class StampGrid(Widget):
    stamps = NumericProperty(0)
    goal = NumericProperty(9)
    milestones = ListProperty([])
    animate_index = NumericProperty(-1)
    pop = NumericProperty(1.0)  # 0..1 scale of the animated stamp

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.bind(
            pos=self._redraw,
            size=self._redraw,
            stamps=self._redraw,
            goal=self._redraw,
            milestones=self._redraw,
            pop=self._redraw,
        )
        self.cells: list[tuple[float, float, float]] = []

    def show(self, stamps: int, goal: int, milestones: list[int], new_stamp: bool) -> None:
        Animation.cancel_all(self, "pop")
        self.goal, self.milestones, self.stamps = max(1, goal), list(milestones), stamps
        self.animate_index = stamps - 1 if new_stamp and stamps > 0 else -1
        if self.animate_index >= 0:
            self.pop = 0.0
            Animation(pop=1.0, d=0.6, t="out_back").start(self)
        else:
            self.pop = 1.0

    def _layout(self) -> list[tuple[float, float, float]]:
        n = min(int(self.goal), MAX_CELLS)
        best = (1, n, 0.0)
        for cols in range(1, n + 1):
            rows = math.ceil(n / cols)
            d = min(self.width / cols, self.height / rows)
            if d > best[2]:
                best = (cols, rows, d)
        cols, rows, d = best
        x0 = self.x + (self.width - cols * d) / 2
        y0 = self.top - (self.height - rows * d) / 2
        return [
            (x0 + (i % cols) * d + d / 2, y0 - (i // cols) * d - d / 2, d * 0.40) for i in range(n)
        ]

    def _redraw(self, *_a) -> None:
        canvas(self).clear()
        self.cells = self._layout()
        with canvas(self):
            for i, (cx, cy, r) in enumerate(self.cells):
                filled = i < self.stamps
                milestone = (i + 1) in self.milestones
                scale = self.pop if i == self.animate_index else 1.0
                if milestone:
                    Color(*CUSTOMER.warn)
                    Line(circle=(cx, cy, r * 1.12), width=max(1.5, r * 0.09))
                Color(*(CUSTOMER.accent if filled else CUSTOMER.empty))
                rr = r * (0.92 if filled else 0.85) * scale
                Ellipse(pos=(cx - rr, cy - rr), size=(2 * rr, 2 * rr))
                if filled:
                    Color(*CUSTOMER.accent_text)
                    w = max(1.5, r * 0.12) * scale
                    Line(
                        points=[
                            cx - rr * 0.45,
                            cy,
                            cx - rr * 0.1,
                            cy - rr * 0.35,
                            cx + rr * 0.5,
                            cy + rr * 0.35,
                        ],
                        width=w,
                    )
