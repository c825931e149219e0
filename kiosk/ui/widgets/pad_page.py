"""The frame of a staff page that takes a code or a name: title bar, then the code pad on
the left (under a hint and what is typed so far) and the page's own panel on the right.

Why one frame: the voucher check and the manual stamp pages are this same page with other
panels; built twice, their sizes had drifted apart (the same hint in two sizes).
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from kiosk.flows.runtime import Intent
from kiosk.ui.widgets.code_pad import CodePad
from kiosk.ui.widgets.kit import (
    button,
    compact,
    label,
    message_label,
    paint,
    px,
    top_bar,
    touch_px,
)


def pad_page(
    screen: Any, title_key: str, *, hint: str, typed: str, go: str, panel_width: float = 0.85
) -> tuple[CodePad, BoxLayout]:
    """Fill `screen` with the frame; return its pad and the empty right panel to fill.
    On a small panel the pad takes two thirds of the width, so its ten keys a row stay
    finger-wide (9 mm)."""
    if compact():
        panel_width = 0.5
    t, lang, theme = screen.t, screen.lang, screen.theme
    root = BoxLayout(orientation="vertical", padding=px(12), spacing=px(8))
    root.add_widget(top_bar(screen, title_key, back=True))
    body = BoxLayout(spacing=px(14))
    left = BoxLayout(orientation="vertical", spacing=px(6))
    left.add_widget(label(hint, lang, size=18, color=theme.muted, height=px(48)))
    left.add_widget(label(typed or "…", lang, size=28, bold=True, height=px(48)))
    pad = CodePad(screen.send, lang, go, t, size_hint_y=1)
    left.add_widget(pad)
    body.add_widget(left)
    panel = BoxLayout(orientation="vertical", spacing=px(6), padding=px(12))
    panel.size_hint_x = panel_width
    body.add_widget(paint(panel, theme.panel))
    root.add_widget(body)
    screen.add_widget(root)
    return pad, panel


def panel_foot(
    screen: Any, panel: BoxLayout, message: Any, action: str, intent: Intent, *, enabled: bool
) -> Button:
    """End the panel: a spacer, the flow's message, and the page's one big action button
    (returned, so tests and the keypad can press it)."""
    panel.add_widget(BoxLayout())
    panel.add_widget(message_label(screen, message, height=px(52)))
    act = button(
        action,
        screen.lang,
        lambda: screen.send(intent),
        size=24,
        color=screen.theme.accent,
        enabled=enabled,
        size_hint_y=None,
        height=touch_px(80),
    )
    panel.add_widget(act)
    return act
