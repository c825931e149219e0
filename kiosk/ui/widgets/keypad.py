"""The PIN keypad and the PIN dots: built for a counter touchscreen.

Why our own: a kiosk has no system on-screen keyboard, and a PIN must never be visible
(not even in a screenshot). The keypad only reports which key was pressed; the staff flow
keeps the digits. The dots draw how many digits were typed, never which.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Ellipse, Line
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.flows.pin_pad import PinBack, PinClear, PinDigit
from kiosk.flows.runtime import Intent
from kiosk.ui.canvas import canvas
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.kit import button, px

# (label or i18n key, the intent a press sends)
KEYS: list[tuple[str, Intent]] = [
    *[(str(d), PinDigit(str(d))) for d in range(1, 10)],
    ("staff.key.clear", PinClear()),
    ("0", PinDigit("0")),
    ("staff.key.back", PinBack()),
]


class PinKeypad(GridLayout):
    """3 x 4 keys, each at least 88 dp: a thumb on a 7" screen hits the right one."""

    def __init__(
        self, on_key: Callable[[Intent], None], translate: Callable[[str], str], lang: str, **kw
    ) -> None:
        kw.setdefault("cols", 3)
        kw.setdefault("spacing", px(10))
        super().__init__(**kw)
        self.keys: dict[str, Widget] = {}
        for text, intent in KEYS:
            shown = translate(text) if text.startswith("staff.") else text
            btn = button(
                shown,
                lang,
                lambda k=intent: on_key(k),
                size=34 if len(shown) == 1 else 22,
                color=STAFF.key,
                size_hint_min_y=px(88),
            )
            self.keys[text] = btn
            self.add_widget(btn)


class PinDots(Widget):
    """`length` filled dots out of `slots`: the only trace of a PIN on screen."""

    def __init__(self, length: int, slots: int = 8, **kw) -> None:
        super().__init__(**kw)
        self.length = length
        self.slots = max(slots, length)
        self.bind(pos=self._draw, size=self._draw)

    def set_length(self, length: int) -> None:
        if length != self.length:
            self.length = length
            self.slots = max(self.slots, length)
            self._draw()

    def _draw(self, *_args) -> None:
        canvas(self).clear()
        d = min(px(26), self.height * 0.8)
        gap = d * 0.8
        total = self.slots * d + (self.slots - 1) * gap
        x0 = self.center_x - total / 2
        y = self.center_y - d / 2
        with canvas(self):
            for i in range(self.slots):
                x = x0 + i * (d + gap)
                if i < self.length:
                    Color(*STAFF.accent)
                    Ellipse(pos=(x, y), size=(d, d))
                else:
                    Color(*STAFF.muted)
                    Line(ellipse=(x, y, d, d), width=1.5)
