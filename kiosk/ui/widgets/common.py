"""Labels that never overflow their box, and big buttons (touch targets >= 9 mm)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, RoundedRectangle
from kivy.properties import ListProperty, NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label

from kiosk.ui import theme
from kiosk.ui.fonts import text_font


class FitLabel(Label):
    """A wrapping label that shrinks its font until the text fits its box.

    Why: translations differ in length (Estonian is long, Chinese short); a label must
    never be cut off, in any language, at any screen size. `base_size` is the wanted size.
    """

    base_size = NumericProperty(24)
    min_size = NumericProperty(10)

    def __init__(self, **kw) -> None:
        kw.setdefault("halign", "center")
        kw.setdefault("valign", "middle")
        kw.setdefault("color", theme.TEXT)
        super().__init__(**kw)
        self._refit = Clock.create_trigger(self._reset, 0)
        self.bind(size=self._refit, text=self._refit, base_size=self._refit)
        self.bind(texture_size=self._shrink)
        self._refit()

    def _reset(self, *_a) -> None:
        self.font_name = text_font(self.text)  # Roboto for Latin, Noto CJK for Hangul/Han
        self.text_size = (max(1, self.width - 8), None)
        self.font_size = self.base_size

    def _shrink(self, *_a) -> None:
        tw, th = self.texture_size
        too_big = th > self.height + 1 or tw > self.width + 1
        if too_big and self.font_size > self.min_size and self.text:
            self.font_size = max(self.min_size, self.font_size * 0.88)

    def fits(self) -> bool:
        tw, th = self.texture_size
        return tw <= self.width + 1 and th <= self.height + 1


class KioskButton(ButtonBehavior, FitLabel):
    """A big rounded button; `bg` is its fill. Pressed state darkens it."""

    bg = ListProperty(theme.ACCENT)

    def __init__(self, **kw) -> None:
        kw.setdefault("color", theme.ACCENT_TEXT)
        kw.setdefault("bold", True)
        super().__init__(**kw)
        with self.canvas.before:
            self._col = Color(*self.bg)
            self._rect = RoundedRectangle(radius=[14])
        self.bind(pos=self._redraw, size=self._redraw, bg=self._redraw, state=self._redraw)

    def _redraw(self, *_a) -> None:
        r, g, b, a = self.bg
        k = 0.75 if self.state == "down" else 1.0
        self._col.rgba = (r * k, g * k, b * k, a)
        self._rect.pos = self.pos
        self._rect.size = self.size
        self._rect.radius = [min(self.height, self.width) * 0.22]
