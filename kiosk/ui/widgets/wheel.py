"""The lottery wheel: segments drawn on the canvas, turned by an animation that stops with
the drawn segment under the pointer at the top.

Why the landing is computed, not simulated: the server decided the outcome; the wheel only
has to end there. `target_angle` puts the centre of segment `i` under the pointer after a
few whole turns, and the animation eases out towards it, so the last frame is exact.
Segment colours are distinct per segment (tests read the pixel under the pointer).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from kivy.animation import Animation
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, PopMatrix, PushMatrix, Rectangle, Rotate, Triangle
from kivy.properties import NumericProperty
from kivy.uix.widget import Widget

from kiosk.ui.canvas import canvas
from kiosk.ui.fonts import text_font
from kiosk.ui.theme import CUSTOMER

# Wins in warm colours, the rest in muted ones; every entry differs from its neighbours.
PALETTE = {
    "award": ((0.96, 0.65, 0.25, 1), (0.98, 0.82, 0.40, 1)),
    "voucher": ((0.45, 0.80, 0.50, 1), (0.62, 0.88, 0.55, 1)),
    "try_again": ((0.40, 0.55, 0.85, 1), (0.55, 0.68, 0.92, 1)),
    "no_prize": ((0.42, 0.36, 0.33, 1), (0.55, 0.48, 0.44, 1)),
}
LABEL_INK = (0.11, 0.09, 0.08, 1)
# Slow enough that light and dark segments never pass a large area more than 3 times a
# second (WCAG 2.3.1, #17): 5 turns in 3.2 s did, 4 a second with 3-4 segments, measured
# on the real window at 60 fps (tests/ui/flash_ui_cases.py).
TURNS = 3
SPIN_S = 4.0


def target_angle(index: int, count: int, turns: int = TURNS) -> float:
    """Clockwise degrees that bring the centre of segment `index` under the top pointer."""
    width = 360.0 / count
    return turns * 360.0 - (index * width + width / 2)


def segment_colours(kinds: list[str]) -> list[tuple[float, float, float, float]]:
    """A colour per segment: its kind's colour, alternating shades so neighbours differ."""
    seen: dict[str, int] = {}
    out = []
    for kind in kinds:
        n = seen.get(kind, 0)
        seen[kind] = n + 1
        shades = PALETTE.get(kind, PALETTE["no_prize"])
        out.append(shades[n % len(shades)])
    return out


class LotteryWheel(Widget):
    angle = NumericProperty(0.0)  # clockwise degrees the wheel has turned

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._labels: list[tuple[str, object]] = []
        self._kinds: list[str] = []
        self._anim: Animation | None = None
        self.bind(pos=self._draw, angle=self._draw, size=self._resized)

    def set_segments(self, segments: list[tuple[str, str]]) -> None:
        """(kind, label text) per segment, clockwise from the top; the wheel starts at 0."""
        self.stop()
        self._kinds = [kind for kind, _ in segments]
        self._labels = [(text, None) for _, text in segments]
        self.angle = 0.0
        self._textures(force=True)
        self._draw()

    def spin_to(self, index: int, on_done: Callable[[], None], seconds: float = SPIN_S) -> None:
        """Turn and stop with segment `index` under the pointer; then `on_done()`."""
        self.stop()
        end = target_angle(index, max(1, len(self._kinds)))
        self._anim = Animation(angle=end, duration=seconds, t="out_quart")
        self._anim.bind(on_complete=lambda *_a: on_done())
        self._anim.start(self)

    def stop(self) -> None:
        if self._anim is not None:
            self._anim.cancel(self)
            self._anim = None

    def _resized(self, *_a) -> None:
        self._textures(force=True)  # label sizes follow the wheel's
        self._draw()

    def _textures(self, force: bool = False) -> None:
        size = max(10, int(min(self.width, self.height) / 20))
        fresh = []
        for text, tex in self._labels:
            if tex is None or force:
                label = CoreLabel(text=text, font_size=size, font_name=text_font(text), bold=True)
                label.refresh()
                tex = label.texture
            fresh.append((text, tex))
        self._labels = fresh

    def _draw(self, *_a) -> None:
        c = canvas(self)
        c.clear()
        n = len(self._kinds)
        if not n:
            return
        r = min(self.width, self.height) / 2 * 0.92
        cx, cy = self.center
        width = 360.0 / n
        with c:
            PushMatrix()
            Rotate(angle=-self.angle, origin=(cx, cy))  # Kivy turns counter-clockwise
            for i, colour in enumerate(segment_colours(self._kinds)):
                Color(*colour)
                Ellipse(
                    pos=(cx - r, cy - r),
                    size=(2 * r, 2 * r),
                    angle_start=i * width,
                    angle_end=(i + 1) * width,
                )
            PopMatrix()
            Color(*CUSTOMER.text)
            Line(circle=(cx, cy, r), width=max(2.0, r / 60))
            Color(*CUSTOMER.panel)
            Ellipse(pos=(cx - r * 0.14, cy - r * 0.14), size=(r * 0.28, r * 0.28))
            self._draw_labels(cx, cy, r, width)
            Color(*CUSTOMER.text)
            tip = r * 0.12
            Triangle(points=[cx - tip, cy + r + tip, cx + tip, cy + r + tip, cx, cy + r - tip])

    def _draw_labels(self, cx: float, cy: float, r: float, width: float) -> None:
        Color(*LABEL_INK)
        for i, (_text, tex) in enumerate(self._labels):
            if tex is None:
                continue
            theta = math.radians(i * width + width / 2 + self.angle)
            x = cx + r * 0.6 * math.sin(theta)
            y = cy + r * 0.6 * math.cos(theta)
            w, h = tex.size  # type: ignore[attr-defined]
            scale = min(1.0, (r * 0.7) / max(1, w))
            Rectangle(
                texture=tex,
                pos=(x - w * scale / 2, y - h * scale / 2),
                size=(w * scale, h * scale),
            )
