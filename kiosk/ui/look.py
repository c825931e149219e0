"""The shop's look in the UI: its checked colours replace the customer theme's, its logo
sits in a corner of the attract, card and voucher screens, and a voucher shows its image.

Why applied once, before the customer screens are built: the screens read their colours
from the theme when they are built (kv rules), and the look is the cached one
(kiosk/branding.py: checked, downloaded once); a new look from the cloud is used from the
next start. Staff and technician screens keep their own themes.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.graphics import Color, InstructionGroup, Rectangle
from kivy.uix.widget import Widget

from kiosk.branding import Look, rgba
from kiosk.ui import theme
from kiosk.ui.canvas import canvas

CURRENT = Look()


def apply(look: Look) -> None:
    """Use `look` for the customer screens (call before they are built)."""
    global CURRENT
    CURRENT = look
    branded = theme.CUSTOMER
    if look.primary:
        bg = rgba(look.primary)
        branded = replace(branded, bg=bg)
    if look.accent:
        accent = rgba(look.accent)
        branded = replace(branded, accent=accent, selected=accent)
    theme.CUSTOMER = branded
    base = sys.modules.get("kiosk.ui.screens._base")
    if base is not None:  # already imported: its class attribute holds the old theme
        base.KioskScreen.theme = branded


class LogoBadge:
    """The shop's logo in the top-right corner of a screen (nothing without one)."""

    def __init__(self, widget: Widget, share: float = 0.11) -> None:
        self.widget = widget
        self.share = share
        self._rect: Rectangle | None = None
        path = CURRENT.logo
        if not path:
            return
        try:
            texture = CoreImage(path).texture
        except Exception:  # noqa: BLE001 - a damaged cache file: the default look
            return
        group = InstructionGroup()
        group.add(Color(1, 1, 1, 1))
        self._rect = Rectangle(texture=texture)
        group.add(self._rect)
        canvas(widget).after.add(group)
        widget.bind(pos=self._layout, size=self._layout)
        self._layout()

    def _layout(self, *_a: Any) -> None:
        if self._rect is None:
            return
        w = self.widget
        side = min(w.width, w.height) * self.share
        margin = side * 0.15
        self._rect.size = (side, side)
        self._rect.pos = (w.right - side - margin, w.top - side - margin)


def voucher_image(url: str | None) -> str:
    """The cached file of a voucher's image ("" when none, or not cached)."""
    return CURRENT.voucher_images.get(url or "", "")
