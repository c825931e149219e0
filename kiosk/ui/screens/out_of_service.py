"""Out of service: calm words for customers and, small below, the reason for the technician."""

from __future__ import annotations

from kiosk.ui.screens._base import KioskScreen, load_kv

load_kv(__file__)


class OutOfServiceScreen(KioskScreen):
    screen_name = "out_of_service"

    def render(self, state) -> None:
        self.ids.title.text = self.t("oos.title")
        self.ids.body.text = self.t("oos.body")
        self.ids.reason.text = state.reason[:400]
