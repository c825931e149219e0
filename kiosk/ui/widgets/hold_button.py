"""HoldButton: a deliberate gesture for spending value (self-redeem).

Why hold and not tap: a redeemed voucher cannot be un-redeemed, so one accidental tap
(or a child leaning on the screen) must not do it. The customer holds for `hold_s`
seconds while a bar fills; letting go early resets it. Only then `on_hold` fires.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.properties import NumericProperty

from kiosk.ui.canvas import canvas
from kiosk.ui.theme import CUSTOMER
from kiosk.ui.widgets.common import FitLabel


class HoldButton(FitLabel):
    hold_s = NumericProperty(1.2)
    progress = NumericProperty(0.0)

    __events__ = ("on_hold",)

    def __init__(self, **kw) -> None:
        kw.setdefault("color", CUSTOMER.text)
        kw.setdefault("outline_width", 2)
        kw.setdefault("outline_color", CUSTOMER.accent_text[:3])
        kw.setdefault("bold", True)
        super().__init__(**kw)
        self._touch = None
        self._started = 0.0
        self._ev = None
        with canvas(self).before:
            Color(*CUSTOMER.panel)
            self._bg = RoundedRectangle(radius=[16])
            Color(*CUSTOMER.accent)
            self._fill = Rectangle()
        self.bind(pos=self._redraw, size=self._redraw, progress=self._redraw)

    def _redraw(self, *_a) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        self._bg.radius = [min(self.height, self.width) * 0.22]
        self._fill.pos = self.pos
        self._fill.size = (self.width * max(0.12, self.progress), self.height)

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos) or self._touch is not None or self.disabled:
            return super().on_touch_down(touch)
        self._touch = touch
        touch.grab(self)
        self._started = Clock.get_boottime()
        self._ev = Clock.schedule_interval(self._step, 1 / 30)
        return True

    def _step(self, _dt) -> None:
        self.progress = min(1.0, (Clock.get_boottime() - self._started) / self.hold_s)
        if self.progress >= 1.0:
            self._finish(fired=True)

    def _finish(self, fired: bool) -> None:
        if self._ev is not None:
            self._ev.cancel()
            self._ev = None
        if self._touch is not None:
            self._touch.ungrab(self)
            self._touch = None
        if fired:
            self.dispatch("on_hold")
        else:
            self.progress = 0.0

    def on_touch_up(self, touch):
        if touch is self._touch:
            self._finish(fired=False)
            return True
        return super().on_touch_up(touch)

    def reset(self) -> None:
        self._finish(fired=False)
        self.progress = 0.0

    def on_hold(self) -> None:
        pass
