"""staff_issued: the voucher was issued; where it went, its code, the coupon preview, print."""

from __future__ import annotations

import io

from kivy.core.image import Image as CoreImage
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.flows.staff import intents as i
from kiosk.flows.staff_states import StaffIssued
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.kit import button, label, message_label, paint, px, top_bar


class StaffIssuedScreen(KioskScreen):
    screen_name = "staff_issued"
    theme = STAFF

    def render(self, state: StaffIssued) -> None:
        self.clear_widgets()
        root = BoxLayout(orientation="vertical", padding=px(12), spacing=px(10))
        root.add_widget(top_bar(self, "staff.issued.title"))
        body = BoxLayout(spacing=px(16))
        info = paint(
            BoxLayout(orientation="vertical", spacing=px(8), padding=px(12)), self.theme.panel
        )
        info.add_widget(
            label(
                state.title, self.lang, size=30, color=self.theme.accent, bold=True, height=px(56)
            )
        )
        where = (
            self.t("staff.issued.to_customer", name=state.customer_name)
            if state.customer_name
            else self.t("staff.issued.free")
        )
        info.add_widget(label(where, self.lang, size=22, height=px(64)))
        if state.redeem_code:
            info.add_widget(
                label(
                    self.t("staff.issued.code", code=state.redeem_code),
                    self.lang,
                    size=24,
                    bold=True,
                    height=px(44),
                )
            )
        until = (
            self.t("staff.issued.valid_until", date=state.valid_until)
            if state.valid_until
            else self.t("staff.issued.unlimited")
        )
        info.add_widget(label(until, self.lang, size=20, color=self.theme.text, height=px(36)))
        if state.print_state == "printed":
            info.add_widget(
                label(
                    self.t("staff.issued.printed"),
                    self.lang,
                    size=22,
                    color=self.theme.good,
                    height=px(40),
                )
            )
        info.add_widget(message_label(self, state.message, height=px(80)))
        info.add_widget(BoxLayout())
        self.buttons = {}
        row = BoxLayout(size_hint_y=None, height=px(80), spacing=px(10))
        if state.can_print:
            self.buttons["print"] = button(
                self.t("staff.issued.print"),
                self.lang,
                lambda: self.send(i.PrintIssued()),
                color=self.theme.selected,
            )
        if state.can_retry:
            self.buttons["retry_print"] = button(
                self.t("staff.issued.retry"),
                self.lang,
                lambda: self.send(i.RetryPrint()),
                color=self.theme.selected,
            )
        self.buttons["new_voucher"] = button(
            self.t("staff.issued.new"), self.lang, lambda: self.send(i.NewVoucher())
        )
        self.buttons["back"] = button(
            self.t("staff.issued.menu"), self.lang, lambda: self.send(i.Back())
        )
        for b in self.buttons.values():
            row.add_widget(b)
        info.add_widget(row)
        body.add_widget(info)
        body.add_widget(self._preview(state))
        root.add_widget(body)
        self.add_widget(root)

    def _preview(self, state: StaffIssued):
        box = paint(BoxLayout(padding=px(10), size_hint_x=0.55), (0.85, 0.85, 0.85, 1))
        if state.preview_png:
            texture = CoreImage(io.BytesIO(state.preview_png), ext="png").texture
            self.preview = Image(texture=texture, fit_mode="contain")
            box.add_widget(self.preview)
        return box
