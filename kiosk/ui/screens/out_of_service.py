"""Out of service: calm words for customers and, small below, the reason for the technician."""

from __future__ import annotations

from kiosk.ui.screens._base import KioskScreen, load_kv

load_kv(__file__)


class OutOfServiceScreen(KioskScreen):
    def __init__(self, **kw) -> None:
        kw.setdefault("name", "out_of_service")
        super().__init__(**kw)

    def render(self, state) -> None:
        self.ids.title.text = self.t("oos.title")
        self.ids.body.text = self.t("oos.body")
        self.ids.reason.text = state.reason[:400]
