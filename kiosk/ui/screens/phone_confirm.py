"""phone_confirm: "Is this you, M***?" (or, offline: save a stamp for the number ending 67).

Only the cloud's masked hint is shown, never a name or the number.
"""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.customer.phone import PhoneCancel, PhoneConfirm, PhoneConfirmState
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import CUSTOMER
from kiosk.ui.widgets.kit import button, label, px


class PhoneConfirmScreen(KioskScreen):
    screen_name = "phone_confirm"
    theme = CUSTOMER

    def render(self, state: PhoneConfirmState) -> None:
        self.clear_widgets()
        t, lang, th = self.t, self.lang, self.theme
        p = lambda v: px(v, th)  # noqa: E731 - one-line size helper
        if state.offline:
            title = t("phone.offline_title")
            body = t("phone.offline_body", tail=state.tail)
            yes = t("phone.save")
        else:
            title = t("phone.confirm_title", hint=state.hint)
            body = t("phone.confirm_body")
            yes = t("phone.yes")
        outer = AnchorLayout(anchor_x="center", anchor_y="center")
        col = BoxLayout(
            orientation="vertical",
            size_hint=(None, None),
            width=min(p(760), Window.width * 0.95),
            height=min(p(520), Window.height * 0.9),
            spacing=p(16),
        )
        self.title = label(title, lang, size=40, bold=True, halign="center", theme=th)
        col.add_widget(self.title)
        col.add_widget(label(body, lang, size=24, halign="center", theme=th, color=th.muted))
        row = BoxLayout(size_hint_y=None, height=p(96), spacing=p(16))
        self.no = button(t("phone.no"), lang, lambda: self.send(PhoneCancel()), size=24, theme=th)
        self.yes = button(
            yes, lang, lambda: self.send(PhoneConfirm()), size=24, theme=th, color=th.accent
        )
        row.add_widget(self.no)
        row.add_widget(self.yes)
        col.add_widget(row)
        outer.add_widget(col)
        self.add_widget(outer)
