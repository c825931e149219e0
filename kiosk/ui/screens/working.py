"""Working: shown in the same frame as the read (< 100 ms), with a spinner and a beep."""

from __future__ import annotations

from kivy.animation import Animation
from kivy.properties import NumericProperty

from kiosk.ui.screens._base import KioskScreen, load_kv

load_kv(__file__)


class WorkingScreen(KioskScreen):
    screen_name = "working"

    angle = NumericProperty(0)

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        anim = Animation(angle=360, d=0.9)
        anim += Animation(angle=0, d=0)
        anim.repeat = True
        anim.start(self)

    def render(self, state) -> None:
        self.ids.title.text = self.t("working.title")
