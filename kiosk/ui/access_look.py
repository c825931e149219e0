"""The accessibility mode's look on the customer screens: high contrast, low reach, reduced
motion, "Need more time?", and which screen draws a state (large text has its own).

Why a transform of the widget tree and not a second set of .kv files: the customer screens
stay the one layout; what the mode changes is data (kiosk/ui/theme.py: HIGH_CONTRAST and its
colour map, LARGE_TEXT_SCALE). `apply_look` runs after every render and costs nothing for
a customer who never opened the mode (a screen already in the normal look is not walked).
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui.theme import CUSTOMER, HIGH_CONTRAST, HIGH_CONTRAST_MAP, NORMAL_MAP, RGBA

LARGE_SCREEN = "access_large"
# Customer screens the large-text screen draws instead (in the mode, with large text).
LARGE_TEXT_SCREENS = frozenset(
    ("attract", "working", "card", "reward", "vouchers", "voucher", "redeemed", "message")
)
# The mode's voucher: "Redeem" then "Yes, redeem now" (kiosk/ui/screens/access_options.py
# draws it from the flow's presentation), instead of the hold gesture.
MODE_SCREENS = {"voucher": "access"}


def screen_for(state: Any) -> str:
    """The name of the screen that draws `state` (its own, unless the mode says otherwise)."""
    access = getattr(state, "access", None)
    name = getattr(state, "screen", "")
    if access is None or not access.on:
        return name
    if access.large and (name in LARGE_TEXT_SCREENS or name == "access"):
        return LARGE_SCREEN
    return MODE_SCREENS.get(name, name)


def _key(rgba: Any) -> RGBA:
    r, g, b, a = (round(float(c), 3) for c in rgba)
    return (r, g, b, a)


def _rounded(mapping: dict[RGBA, RGBA]) -> dict[RGBA, RGBA]:
    return {_key(k): v for k, v in mapping.items()}


_TO_HC = _rounded(HIGH_CONTRAST_MAP)
_TO_NORMAL = _rounded(NORMAL_MAP)


def _swap(rgba: Any, mapping: dict[RGBA, RGBA]) -> RGBA | None:
    try:
        return mapping.get(_key(rgba))
    except (TypeError, ValueError):
        return None


def walk(widget: Widget):
    yield widget
    for child in widget.children:
        yield from walk(child)


def restyle(root: Widget, contrast: bool) -> None:
    """Every CUSTOMER colour under `root` to its HIGH_CONTRAST counterpart, or back."""
    mapping = _TO_HC if contrast else _TO_NORMAL
    for w in walk(root):
        for prop in ("color", "bg", "outline_color"):
            value = getattr(w, prop, None)
            if value is None or not hasattr(w, "property") or w.property(prop, quiet=True) is None:
                continue
            new = _swap(value if len(value) == 4 else (*value, 1), mapping)
            if new is not None:
                setattr(w, prop, new if len(value) == 4 else new[:3])
        for group in (w.canvas.before, w.canvas, w.canvas.after) if w.canvas else ():
            for instr in group.children if group is not None else ():
                if isinstance(instr, Color) and (new := _swap(instr.rgba, mapping)):
                    instr.rgba = new


# Screens whose controls are all in the lower half as they are laid out (a row of buttons
# at the bottom; the mode's own screens by construction): low reach leaves them whole.
# tests/ui/access_ui_cases.py checks every customer screen, so a new layout cannot slip.
LOW_ALREADY = frozenset(
    ("attract", "working", "card", "reward", "redeemed", "message", "out_of_service")
) | {"access", LARGE_SCREEN}


def _low_reach(screen: Widget, on: bool) -> None:
    """Every control into the lower half: the screen's content gets its lower half."""
    on = on and getattr(screen, "name", "") not in LOW_ALREADY
    for child in screen.children:
        if on:
            child.size_hint_y, child.pos_hint = 0.5, {"y": 0}
        else:
            child.size_hint_y, child.pos_hint = 1, {}


def apply_look(screen: Widget, state: Any) -> None:
    """The state's accessibility look on `screen` (a customer screen; others are left)."""
    access = getattr(state, "access", None)
    if access is None or getattr(screen, "theme", None) is not CUSTOMER:
        return
    look = (access.contrast, access.low_reach, access.reduced_motion)
    if getattr(screen, "_a11y_look", (False, False, False)) == look and not any(look):
        return  # the ordinary customer: nothing to walk
    if access.contrast or getattr(screen, "_a11y_look", (False,))[0]:
        restyle(screen, access.contrast)
    _low_reach(screen, access.low_reach)
    reduce = getattr(screen, "reduce_motion", None)
    if callable(reduce):
        reduce(access.reduced_motion)
    screen._a11y_look = look  # type: ignore[attr-defined]


def window_colour(state: Any) -> RGBA:
    access = getattr(state, "access", None)
    return HIGH_CONTRAST.bg if access is not None and access.contrast else CUSTOMER.bg


class MoreTimeBanner(Label):
    """ "Need more time?" across the screen's top while the idle warning shows."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._rgba: RGBA = CUSTOMER.accent
        self.bind(pos=lambda *_a: self._fill(self._rgba), size=lambda *_a: self._fill(self._rgba))

    def show(self, state: Any, text: str, u: float) -> None:
        warn = bool(getattr(state, "idle_warning", False))
        self.opacity = 1 if warn else 0
        if not warn:
            return
        access = getattr(state, "access", None)
        look = HIGH_CONTRAST if access is not None and access.contrast else CUSTOMER
        self.text = text
        self.color = look.accent_text
        self.font_size = 30 * u * (2 if access is not None and access.large else 1)
        self.text_size = (self.width - 24 * u, None)
        self.halign = "center"
        self.valign = "middle"
        self.texture_update()
        self.height = self.texture_size[1] + 24 * u  # as tall as its text: never cut off
        self._fill(look.accent)

    def _fill(self, rgba: RGBA) -> None:
        from kivy.graphics import Rectangle

        self._rgba = rgba
        if self.canvas is None or self.opacity == 0:
            return
        self.canvas.before.clear()
        with self.canvas.before:
            Color(*rgba)
            Rectangle(pos=self.pos, size=self.size)
