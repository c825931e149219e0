"""Contrast of every label on a screen, computed from the widget tree (not by eye).

For each visible label with text: its colour (alpha blended) against what it is drawn on:
the fill of the nearest widget (itself or an ancestor) whose canvas.before paints a shape
under the label's centre (a button's fill, a panel, the screen's background). WCAG 2.x
relative luminance and contrast ratio. tests/ui/access_ui_cases.py and the demo use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kivy.graphics import Color, Ellipse, Rectangle, RoundedRectangle
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui.checks import walk


def luminance(rgb: Any) -> float:
    def ch(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (ch(float(c)) for c in tuple(rgb)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: Any, b: Any) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _blend(fg: Any, bg: Any) -> tuple[float, ...]:
    alpha = float(fg[3]) if len(fg) > 3 else 1.0
    pairs = zip(fg[:3], bg[:3], strict=True)
    return tuple(alpha * float(f) + (1 - alpha) * float(b) for f, b in pairs)


@dataclass(frozen=True)
class LabelContrast:
    text: str
    fg: tuple[float, ...]
    bg: tuple[float, ...]
    ratio: float


def _visible(w: Widget, screen: Widget) -> bool:
    node: Any = w
    while node is not None and node is not screen:
        if getattr(node, "opacity", 1) <= 0.01:
            return False
        node = node.parent
    return w.width > 2 and w.height > 2


def _fill_under(node: Widget, x: float, y: float) -> tuple[float, ...] | None:
    """The colour of the last shape node.canvas.before paints under window point (x, y)."""
    before = node.canvas.before if node.canvas is not None else None
    colour: tuple[float, ...] | None = None
    found: tuple[float, ...] | None = None
    for instr in before.children if before is not None else ():
        if isinstance(instr, Color):
            colour = tuple(instr.rgba)
        elif isinstance(instr, (Rectangle, RoundedRectangle, Ellipse)) and colour is not None:
            x0, y0 = node.to_window(*instr.pos)
            w, h = instr.size
            if x0 <= x <= x0 + w and y0 <= y <= y0 + h and colour[3] > 0.5:
                found = colour
    return found


def background_of(label: Widget, screen: Widget, window_bg: tuple[float, ...]) -> tuple[float, ...]:
    x, y = label.to_window(*label.center)
    node: Any = label
    while node is not None:
        fill = _fill_under(node, x, y)
        if fill is not None:
            return fill
        if node is screen:
            break
        node = node.parent
    return window_bg


def label_contrasts(screen: Widget, window_bg: tuple[float, ...]) -> list[LabelContrast]:
    found = []
    for w in walk(screen):
        if not isinstance(w, Label) or not str(w.text).strip() or not _visible(w, screen):
            continue
        bg = background_of(w, screen, window_bg)
        fg = _blend(tuple(w.color), bg)
        found.append(LabelContrast(str(w.text)[:40], fg, tuple(bg[:3]), ratio(fg, bg)))
    return found
