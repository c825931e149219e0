"""The accessibility mode's own screens, drawn from the flow's presentation of a state.

- `access`: the mode's options (large text, high contrast, low reach, volume, start) and,
  in the mode, the open voucher with its two-step redeem ("Redeem", "Yes, redeem now");
- `access_large`: large text: any customer state at LARGE_TEXT_SCALE (>= 200 %).

Why from kiosk.flows.customer.present: the words, their order and the controls are the
ones speech reads out, so the keypad, the ear and the eye meet the same screen. Text never
shrinks here (no FitLabel): each label is as tall as its wrapped text, and both halves
scroll, so nothing is clipped or overlaps at any size. Controls are always in the lower
half (low reach by construction); the text in the upper one.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.graphics import Color, RoundedRectangle
from kivy.properties import ListProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.flows.customer.present import Control, present
from kiosk.ui.canvas import canvas
from kiosk.ui.fonts import text_font
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import CUSTOMER, LARGE_TEXT_SCALE

TITLE, BODY, BUTTON = 40, 26, 26  # the customer screens' size numbers (_common.kv)


def _u() -> float:
    return float(getattr(App.get_running_app(), "u", 1.0))


class TextBlock(Label):
    """A label exactly as tall as its wrapped text: it can never be cut off."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("halign", "center")
        kw.setdefault("valign", "middle")
        super().__init__(size_hint_y=None, **kw)
        self.font_name = text_font(self.text)
        self.bind(width=self._wrap, texture_size=self._fit)

    def _wrap(self, *_a) -> None:
        self.text_size = (max(1, self.width - 16), None)

    def _fit(self, *_a) -> None:
        self.height = self.texture_size[1] + 12

    def fits(self) -> bool:
        tw, th = self.texture_size
        return tw <= self.width + 1 and th <= self.height + 1


class ControlButton(ButtonBehavior, TextBlock):
    """A control of the presentation: a rounded fill, at least a touch target tall."""

    bg = ListProperty(CUSTOMER.panel)

    def __init__(self, control: Control, min_height: float, **kw: Any) -> None:
        self.control = control
        self.min_height = min_height
        kw.setdefault("bold", True)
        super().__init__(text=control.label, **kw)
        with canvas(self).before:
            self._col = Color(*self.bg)
            self._rect = RoundedRectangle(radius=[14])
        self.bind(pos=self._redraw, size=self._redraw, bg=self._redraw, state=self._redraw)

    def _fit(self, *_a) -> None:
        self.height = max(self.min_height, self.texture_size[1] + 24)

    def _redraw(self, *_a) -> None:
        r, g, b, a = self.bg
        k = 0.75 if self.state == "down" else 1.0
        self._col.rgba = (r * k, g * k, b * k, a)
        self._rect.pos, self._rect.size = self.pos, self.size


def _column(spacing: float) -> GridLayout:
    grid = GridLayout(cols=1, spacing=spacing, size_hint_y=None)
    grid.bind(minimum_height=grid.setter("height"))
    return grid


class AccessScreen(KioskScreen):
    """The presentation of a customer state as text on top, controls below."""

    screen_name = "access"
    scale = 1.0

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        u = _u()
        box = BoxLayout(orientation="vertical", padding=16 * u, spacing=12 * u)
        self.text_view = ScrollView(do_scroll_x=False)
        self.texts = _column(8 * u)
        self.text_view.add_widget(self.texts)
        self.control_view = ScrollView(do_scroll_x=False, size_hint_y=None)
        self.controls = _column(12 * u)
        self.control_view.add_widget(self.controls)
        box.add_widget(self.text_view)
        box.add_widget(self.control_view)
        self.add_widget(box)
        self._shown: Any = None
        self.controls.bind(minimum_height=self._fit_controls)
        self.bind(height=self._fit_controls)

    def _fit_controls(self, *_a) -> None:
        """The controls take what they need from the bottom, at most the lower half (low
        reach by construction); the text gets the rest, and both scroll if they must."""
        pad = 16 * _u()  # the box's padding below the controls
        self.control_view.height = min(self.controls.minimum_height, self.height * 0.5 - pad - 2)

    def render(self, state: Any) -> None:
        p = present(state)
        shown = (p, getattr(state, "access", None))
        if shown == self._shown:
            return  # a tick re-rendered the same words: keep the focus, skip the glyphs
        self._shown = shown
        u, k, look = _u(), self.scale, self.theme
        self.texts.clear_widgets()
        self.controls.clear_widgets()
        self.texts.add_widget(
            TextBlock(text=p.title, font_size=TITLE * k * u, bold=True, color=look.accent)
        )
        for line in p.lines:
            self.texts.add_widget(TextBlock(text=line, font_size=BODY * k * u, color=look.text))
        for control in p.controls:
            main = control.primary
            button = ControlButton(
                control,
                look.button_h * u,  # a touch target at least; as tall as its text
                font_size=BUTTON * k * u,
                bg=look.accent if main else look.panel,
                color=look.accent_text if main else look.text,
            )
            button.bind(on_release=lambda b: self.send(b.control.intent))
            self.controls.add_widget(button)
        self.control_view.scroll_y = 1
        self.text_view.scroll_y = 1


class LargeTextScreen(AccessScreen):
    """Large text: every size number at LARGE_TEXT_SCALE."""

    screen_name = "access_large"
    scale = LARGE_TEXT_SCALE
