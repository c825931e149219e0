"""Messages: calm words for every outcome that is not a card (cooldown, offline, ...)."""

from __future__ import annotations

from kivy.properties import BooleanProperty

from kiosk.ui.screens._base import KioskScreen, load_kv
from kiosk.ui.widgets.join_qr import JoinQr  # noqa: F401 - used by message.kv

load_kv(__file__)


class MessageScreen(KioskScreen):
    screen_name = "message"

    has_back = BooleanProperty(False)

    def render(self, state) -> None:
        values = dict(state.values)
        kind = str(state.kind)
        self.ids.title.text = self.t(f"msg.{kind}.title", **values)
        body = self.t(f"msg.{kind}.body", **values)
        if kind == "already_redeemed" and values.get("when"):
            body = self.t("msg.already_redeemed.body_when", **values)
        self.ids.body.text = body
        self.ids.join.text = self.t("join.offer")
        self.ids.join.url = getattr(state, "join_qr", "")
        back = state.back
        has_back = back is not None
        self.ids.back.opacity = 1 if has_back else 0
        self.has_back = has_back
        self.ids.back.disabled = not has_back
        back_screen = getattr(back, "screen", "")
        self.ids.back.text = self.t("common.see_card" if back_screen == "card" else "common.back")
        self.ids.ok.text = self.t("common.ok")
