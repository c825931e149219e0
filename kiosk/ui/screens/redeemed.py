"""Redeemed: the code large as text, QR and barcode; 'redeemed at 14:05' with a live clock.

Why a live clock and a pulsing background: staff must be able to tell this screen from a
screenshot of it; a still image cannot show the seconds ticking nor the colour breathing.
"""

from __future__ import annotations

from datetime import datetime

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.properties import NumericProperty

from kiosk.ui.codes import code_image, to_texture
from kiosk.ui.screens._base import KioskScreen, load_kv

load_kv(__file__)


class RedeemedScreen(KioskScreen):
    screen_name = "redeemed"

    pulse = NumericProperty(0.0)

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._clock_ev = None
        self._code = ""

    def render(self, state) -> None:
        ids = self.ids
        ids.title.text = self.t("redeemed.title")
        ids.at.text = self.t("redeemed.at", time=state.redeemed_at_text)
        if state.code != self._code:  # textures only when the code changes
            self._code = state.code
            sym = state.symbology
            ids.qr.texture = to_texture(code_image(state.code, sym))
            second = "qr" if sym == "code128" else "code128"
            ids.bar.texture = to_texture(code_image(state.code, second))
        ids.code_text.text = state.code
        ids.status.text = self.t(f"redeemed.{state.print_status}") if state.print_status else ""
        ids.print.text = self.t("redeemed.print")
        ids.print.disabled = state.print_status in ("printing", "printed", "unconfirmed")
        ids.done.text = self.t("common.done")
        self._tick()
        if self._clock_ev is None:
            self._clock_ev = Clock.schedule_interval(self._tick, 0.5)
            anim = Animation(pulse=1.0, d=0.8, t="in_out_sine") + Animation(pulse=0.0, d=0.8)
            anim.repeat = True
            anim.start(self)

    def _tick(self, *_a) -> None:
        self.ids.now.text = self.t(
            "redeemed.now", time=datetime.now().astimezone().strftime("%H:%M:%S")
        )

    def on_leave(self, *_a) -> None:
        if self._clock_ev is not None:
            self._clock_ev.cancel()
            self._clock_ev = None
        Animation.cancel_all(self, "pulse")
