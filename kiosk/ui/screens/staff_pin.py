"""staff_pin: the PIN pad behind the hidden gesture (or a badge scan).

Built once per language; a key press only redraws the dots and the message.
"""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.staff import intents as i
from kiosk.flows.staff_states import StaffPin
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.keypad import PinDots, PinKeypad
from kiosk.ui.widgets.kit import button, label, px


class StaffPinScreen(KioskScreen):
    screen_name = "staff_pin"
    theme = STAFF
    _built: tuple = ()

    def render(self, state: StaffPin) -> None:
        key = (self.lang, tuple(Window.size))
        if self._built != key:
            self._build()
            self._built = key
        self.hint.text = self.t("staff.pin.checking") if state.busy else self.t("staff.pin.hint")
        self.dots.set_length(state.pin_length)
        msg = state.message
        self.message.text = self.t(msg.key, **msg.kwargs()) if msg else ""
        self.message.color = self.theme.error if msg and msg.error else self.theme.good
        self.ok.disabled = state.busy

    def _build(self) -> None:
        self.clear_widgets()
        outer = AnchorLayout(anchor_x="center", anchor_y="center")
        col = BoxLayout(
            orientation="vertical",
            size_hint=(None, None),
            width=px(460),
            height=px(740),
            spacing=px(10),
        )
        title = label(
            self.t("staff.pin.title"),
            self.lang,
            size=34,
            color=self.theme.accent,
            halign="center",
            bold=True,
            height=px(56),
        )
        col.add_widget(title)
        self.hint = label(
            "", self.lang, size=20, color=self.theme.muted, halign="center", height=px(34)
        )
        col.add_widget(self.hint)
        self.dots = PinDots(0, size_hint_y=None, height=px(52))
        col.add_widget(self.dots)
        self.message = label("", self.lang, size=20, halign="center", height=px(60))
        col.add_widget(self.message)
        self.keypad = PinKeypad(self.send, self.t, self.lang, size_hint_y=None, height=px(400))
        col.add_widget(self.keypad)
        row = BoxLayout(size_hint_y=None, height=px(88), spacing=px(10))
        row.add_widget(button(self.t("staff.key.cancel"), self.lang, lambda: self.send(i.Cancel())))
        self.ok = button(
            self.t("staff.key.ok"),
            self.lang,
            lambda: self.send(i.PinOk()),
            color=self.theme.selected,
        )
        row.add_widget(self.ok)
        col.add_widget(row)
        outer.add_widget(col)
        self.add_widget(outer)
