"""Labels that never overflow their box, and big buttons (touch targets >= 9 mm)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, RoundedRectangle
from kivy.properties import ListProperty, NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label

from kiosk.ui.canvas import canvas
from kiosk.ui.fonts import text_font
from kiosk.ui.theme import CUSTOMER


class FitLabel(Label):
    """A wrapping label that shrinks its font until the text fits its box.

    Why: translations differ in length (Estonian is long, Chinese short); a label must
    never be cut off, in any language, at any screen size. `base_size` is the wanted size.

    Memory: every font size Kivy renders opens its own FreeType face (Noto Sans CJK: ~2.5
    MiB of heap each, Roboto ~0.1; up to 64 kept), so the shrink steps only run against a final
    layout. A box that was resized since the last `_reset` (its wrap width is stale; the
    pending `_reset` starts again from `base_size`) or is narrower or lower than `min_size`
    (a layout not done yet: straight to `min_size`, where the steps would end) is not
    stepped through. Same end sizes; 103 faces after 20 scans before this, 17 with it.
    """

    base_size = NumericProperty(24)
    min_size = NumericProperty(10)

    def __init__(self, **kw) -> None:
        kw.setdefault("halign", "center")
        kw.setdefault("valign", "middle")
        kw.setdefault("color", CUSTOMER.text)
        super().__init__(**kw)
        self._refit = Clock.create_trigger(self._reset, 0)
        self.bind(size=self._refit, text=self._refit, base_size=self._refit)
        self._refit()

    def _wrap_width(self) -> float:
        return max(1, self.width - 8)

    def _reset(self, *_a) -> None:
        self.font_name = text_font(self.text)  # Roboto for Latin, Noto CJK for Hangul/Han
        self.text_size = (self._wrap_width(), None)
        self.font_size = self.base_size

    def texture_update(self, *largs) -> None:
        """Check the fit after every render (not only when texture_size changes: a new
        text of the same texture size, or a render after a skipped check, counts too)."""
        super().texture_update(*largs)
        self._shrink()

    def _shrink(self, *_a) -> None:
        if not self.text or self.font_size <= self.min_size:
            return
        if self.text_size[0] != self._wrap_width():
            return  # resized: the pending _reset re-renders from base_size
        if self.height < self.min_size or self.width < self.min_size:
            self.font_size = self.min_size  # no glyph fits: where the steps would end
            return
        tw, th = self.texture_size
        if th > self.height + 1 or tw > self.width + 1:
            self.font_size = max(self.min_size, self.font_size * 0.88)

    def fits(self) -> bool:
        tw, th = self.texture_size
        return tw <= self.width + 1 and th <= self.height + 1


class KioskButton(ButtonBehavior, FitLabel):
    """A big rounded button; `bg` is its fill. Pressed state darkens it."""

    bg = ListProperty(CUSTOMER.accent)

    def __init__(self, **kw) -> None:
        kw.setdefault("color", CUSTOMER.accent_text)
        kw.setdefault("bold", True)
        super().__init__(**kw)
        with canvas(self).before:
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
