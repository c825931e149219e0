"""LivePreview: a camera's newest frame shown through ONE reused texture.

Why one texture: a texture per frame grows GPU memory until the kiosk is killed
(FIELD-NOTES); blit_buffer into the same texture keeps memory flat. Shared by the
technician screen (5 fps) and `kiosk scan-test --preview` (~20 fps).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.uix.image import Image

from kiosk.ui.canvas import canvas

log = logging.getLogger(__name__)

Box = tuple[int, int, int, int]


class LivePreview(Image):
    """Polls `frame_source()` every `period_s` and shows the frame it returns (BGR or gray).

    period_s=None: no timer of its own; the owner calls update() (to draw an overlay that
    belongs to exactly the frame shown)."""

    def __init__(
        self, frame_source: Callable[[], Any], period_s: float | None = 0.2, **kw: Any
    ) -> None:
        # transparent until the first frame: an Image without a texture paints a white block
        super().__init__(fit_mode="contain", color=(1, 1, 1, 0), **kw)
        self.frame_source = frame_source
        self.frames_shown = 0
        self.textures_created = 0  # stays 1 while the frame size does not change
        self.frame: Any = None  # the frame on screen (a reference, for overlays to match)
        self._texture: Texture | None = None
        self._event = Clock.schedule_interval(self.update, period_s) if period_s else None
        self.update()

    def update(self, *_a: Any) -> None:
        try:
            frame = self.frame_source()
        except Exception:  # a preview must never take its screen down
            log.debug("no preview frame", exc_info=True)
            return
        self.show(frame)

    def show(self, frame: Any) -> None:
        """Put this frame on screen now (an owner that pairs a frame with its overlay)."""
        if frame is None:
            return
        h, w = frame.shape[:2]
        fmt = "luminance" if frame.ndim == 2 else "bgr"
        texture = self._texture
        if texture is None or tuple(texture.size) != (w, h):
            texture = self._texture = Texture.create(size=(w, h), colorfmt=fmt)
            texture.flip_vertical()  # camera rows run top-down, GL bottom-up
            self.texture = texture
            self.textures_created += 1
            self.color = (1, 1, 1, 1)
        texture.blit_buffer(frame.tobytes(), colorfmt=fmt, bufferfmt="ubyte")
        canvas(self).ask_update()
        self.frame = frame
        self.frames_shown += 1

    def frame_to_window(self, box: Box) -> tuple[float, float, float, float] | None:
        """A box in frame pixels (x0, y0, x1, y1, rows top-down) as (x, y, w, h) in this
        widget's coordinates (the frame is letterboxed: fit_mode contain)."""
        if self._texture is None:
            return None
        fw, fh = self._texture.size
        nw, nh = self.norm_image_size
        if not fw or not fh or not nw or not nh:
            return None
        s = nw / fw
        left = self.center_x - nw / 2
        top = self.center_y + nh / 2
        x0, y0, x1, y1 = box
        return left + x0 * s, top - y1 * s, (x1 - x0) * s, (y1 - y0) * s

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
