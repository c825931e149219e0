"""staff_pin: the PIN pad behind the hidden gesture (or a badge scan)."""

from __future__ import annotations

from kivy.metrics import dp
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.staff_states import StaffPin
from kiosk.ui.widgets.keypad import PinDots, PinKeypad
from kiosk.ui.widgets.staff_kit import ACCENT, MUTED, SELECTED, StaffScreen, button, label


class StaffPinScreen(StaffScreen):
    screen_name = "staff_pin"

    def render(self, state: StaffPin) -> None:
        self.clear_widgets()
        outer = AnchorLayout(anchor_x="center", anchor_y="center")
        col = BoxLayout(
            orientation="vertical",
            size_hint=(None, None),
            width=dp(460),
            height=dp(740),
            spacing=dp(10),
        )
        col.add_widget(
            label(
                self.t("staff.pin.title"),
                self.lang,
                size=34,
                color=ACCENT,
                halign="center",
                bold=True,
                height=dp(56),
            )
        )
        hint = self.t("staff.pin.checking") if state.busy else self.t("staff.pin.hint")
        col.add_widget(label(hint, self.lang, size=20, color=MUTED, halign="center", height=dp(34)))
        self.dots = PinDots(state.pin_length, size_hint_y=None, height=dp(52))
        col.add_widget(self.dots)
        msg = self.message_label(state.message, height=dp(60))
        msg.halign = "center"
        col.add_widget(msg)
        self.keypad = PinKeypad(self.emit, self.t, self.lang, size_hint_y=None, height=dp(400))
        col.add_widget(self.keypad)
        row = BoxLayout(size_hint_y=None, height=dp(88), spacing=dp(10))
        row.add_widget(button(self.t("staff.key.cancel"), self.lang, lambda: self.emit("cancel")))
        self.ok = button(
            self.t("staff.key.ok"),
            self.lang,
            lambda: self.emit("pin_ok"),
            color=SELECTED,
            enabled=not state.busy,
        )
        row.add_widget(self.ok)
        col.add_widget(row)
        outer.add_widget(col)
        self.add_widget(outer)
