"""Not paired yet: show the shop admin's pairing QR to the camera (kiosk.flows.pairing).

Big words say what to do or what went wrong; the small line below is for the technician.
"""

from __future__ import annotations

from kiosk.ui.screens._base import KioskScreen, load_kv

load_kv(__file__)


class PairingScreen(KioskScreen):
    screen_name = "pairing"

    def render(self, state) -> None:
        paired = state.phase == "paired"
        colour = {"failed": self.theme.warn, "paired": self.theme.good}.get(
            state.phase, self.theme.text
        )
        self.ids.title.text = self.t("pair.paired_title" if paired else "pair.title")
        self.ids.title.color = colour
        self.ids.body.text = self.t(state.message or "pair.body", **dict(state.values))
        self.ids.body.color = colour
        self.ids.hint.text = self.t("pair.restarting" if paired else "pair.hint")
        self.ids.detail.text = state.detail[:400]
