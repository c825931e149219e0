"""The attract screen's slide, drawn behind its words (under a dimming veil, so "Scan your
card here" stays readable on any picture).

Why textures are kept: a slide is a small PNG resized once on download (kiosk/media.py);
it is loaded into a texture the first time it shows and reused on every later turn (a few
slides, a bounded cache), so 1,000 slide changes decode nothing and allocate nothing new.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.graphics import Color, InstructionGroup, Rectangle
from kivy.uix.widget import Widget

from kiosk.ui.canvas import canvas

log = logging.getLogger(__name__)

KEEP = 12  # textures kept (slides in rotation); older ones are dropped
VEIL = (0.0, 0.0, 0.0, 0.55)


class SlideBackdrop:
    """One per screen: `show(path)` swaps the picture; "" hides it."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self.path = ""
        self._textures: OrderedDict[str, Any] = OrderedDict()
        self._group = InstructionGroup()
        self._picture = Rectangle()
        self._veil = Rectangle()
        self._group.add(Color(1, 1, 1, 1))
        self._group.add(self._picture)
        self._group.add(Color(*VEIL))
        self._group.add(self._veil)
        self._attached = False
        widget.bind(pos=self._layout, size=self._layout)

    def show(self, path: str) -> None:
        if path == self.path:
            return
        self.path = path
        texture = self._texture(path) if path else None
        if texture is None:
            self._detach()
            return
        self._picture.texture = texture
        self._attach()
        self._layout()

    def _texture(self, path: str) -> Any:
        if path in self._textures:
            self._textures.move_to_end(path)
            return self._textures[path]
        try:
            texture = CoreImage(path, nocache=True).texture
        except Exception as exc:  # noqa: BLE001 - a damaged cache file: no slide, no crash
            log.warning("slide not shown: %s", exc)
            return None
        self._textures[path] = texture
        while len(self._textures) > KEEP:
            self._textures.popitem(last=False)
        return texture

    def _attach(self) -> None:
        if not self._attached:
            canvas(self.widget).before.add(self._group)  # after the screen's background
            self._attached = True

    def _detach(self) -> None:
        if self._attached:
            canvas(self.widget).before.remove(self._group)
            self._attached = False

    def _layout(self, *_a: Any) -> None:
        w = self.widget
        self._veil.pos, self._veil.size = w.pos, w.size
        texture = self._picture.texture
        if texture is None or not texture.width or not texture.height:
            return
        scale = max(w.width / texture.width, w.height / texture.height)  # cover the screen
        size = (texture.width * scale, texture.height * scale)
        self._picture.size = size
        self._picture.pos = (w.center_x - size[0] / 2, w.center_y - size[1] / 2)
