"""The attract screen's accessibility button: the international symbol of access
(ISO 7000-0100, the wheelchair figure) drawn in vectors, and "Accessibility" in the
customer's language. Drawn, not an image: it scales with the unit and takes the theme's
colours (high contrast swaps them like any other label's)."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, RoundedRectangle
from kivy.properties import ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.canvas import canvas
from kiosk.ui.theme import CUSTOMER
from kiosk.ui.widgets.common import FitLabel


class AccessSymbol(Widget):
    """The wheelchair figure in a square as high as the button.

    Drawn once the layout has settled (a trigger, not at every size change): drawn at
    once, a figure could keep a size of the layout's first pass (100 px high in a 64 px
    button at 800x480) and stick out above the button's edge."""

    color = ListProperty(CUSTOMER.text)

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._later = Clock.create_trigger(self._draw, -1)
        self.bind(pos=self._later, size=self._later, color=self._later)

    def _draw(self, *_a) -> None:
        s = min(self.width, self.height) * 0.8
        x0 = self.center_x - s / 2
        y0 = self.center_y - s / 2
        w = max(1.5, s / 16)

        def p(x: float, y: float) -> tuple[float, float]:
            return (x0 + x * s, y0 + y * s)

        c = canvas(self)
        c.clear()
        with c:
            Color(*self.color)
            Ellipse(pos=p(0.40, 0.80), size=(0.17 * s, 0.17 * s))
            Line(points=[*p(0.47, 0.76), *p(0.45, 0.46), *p(0.70, 0.46), *p(0.80, 0.16)], width=w)
            Line(points=[*p(0.46, 0.64), *p(0.66, 0.64)], width=w)
            cx, cy = p(0.42, 0.34)
            Line(circle=(cx, cy, 0.27 * s, 150, 420), width=w)


class AccessButton(ButtonBehavior, BoxLayout):
    """The symbol and the word; `text` is the word (the keypad's focus speaks it)."""

    text = StringProperty("")
    bg = ListProperty(CUSTOMER.panel)

    def __init__(self, base_size: float = 24, **kw: Any) -> None:
        super().__init__(orientation="horizontal", **kw)
        self.symbol = AccessSymbol(size_hint_x=None)
        self.word = FitLabel(base_size=base_size, bold=True, color=CUSTOMER.text)
        self.add_widget(self.symbol)
        self.add_widget(self.word)
        with canvas(self).before:
            self._col = Color(*self.bg)
            self._rect = RoundedRectangle(radius=[14])
        self.bind(text=self.word.setter("text"))
        self.bind(pos=self._redraw, size=self._redraw, bg=self._redraw, state=self._redraw)

    def _redraw(self, *_a) -> None:
        self.symbol.width = self.height
        r, g, b, a = self.bg
        k = 0.75 if self.state == "down" else 1.0
        self._col.rgba = (r * k, g * k, b * k, a)
        self._rect.pos, self._rect.size = self.pos, self.size
        self._rect.radius = [min(self.height, self.width) * 0.22]
