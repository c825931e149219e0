"""staff_locked: too many wrong PINs; a visible countdown until login opens again."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.staff import intents as i
from kiosk.flows.staff_states import StaffLocked
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.kit import button, label, px


def mmss(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class StaffLockedScreen(KioskScreen):
    screen_name = "staff_locked"
    theme = STAFF

    def render(self, state: StaffLocked) -> None:
        self.clear_widgets()
        outer = AnchorLayout()
        col = BoxLayout(
            orientation="vertical",
            size_hint=(None, None),
            width=px(720),
            height=px(460),
            spacing=px(16),
        )
        col.add_widget(
            label(
                self.t("staff.locked.title"),
                self.lang,
                size=34,
                color=self.theme.error,
                halign="center",
                bold=True,
                height=px(60),
            )
        )
        self.countdown = label(
            mmss(state.seconds_left),
            self.lang,
            size=96,
            color=self.theme.accent,
            halign="center",
            bold=True,
            height=px(150),
        )
        col.add_widget(self.countdown)
        body = self.t("staff.locked.body", time=mmss(state.seconds_left))
        col.add_widget(
            label(body, self.lang, size=24, color=self.theme.text, halign="center", height=px(90))
        )
        col.add_widget(
            button(
                self.t("staff.key.cancel"),
                self.lang,
                lambda: self.send(i.Cancel()),
                size_hint_y=None,
                height=px(88),
            )
        )
        outer.add_widget(col)
        self.add_widget(outer)
