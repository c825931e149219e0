"""staff_check: check a voucher (scan its QR or code, or type the code), then Redeem.

Redeem shows only for a usable staff-scan or redeem-code voucher; the flow refuses it
otherwise too. The redeem is the exactly-once server call (one key per checked voucher).
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.staff.barista import RedeemChecked, StaffCheck
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.code_pad import CodePad
from kiosk.ui.widgets.kit import button, label, message_label, paint, px, top_bar


class StaffCheckScreen(KioskScreen):
    screen_name = "staff_check"
    theme = STAFF

    def render(self, state: StaffCheck) -> None:
        self.clear_widgets()
        t, lang = self.t, self.lang
        root = BoxLayout(orientation="vertical", padding=px(12), spacing=px(10))
        root.add_widget(top_bar(self, "staff.check.title", back=True))
        body = BoxLayout(spacing=px(14))
        left = BoxLayout(orientation="vertical", spacing=px(8))
        left.add_widget(
            label(t("staff.check.hint"), lang, size=20, color=self.theme.muted, height=px(60))
        )
        typed = state.typed or "…"
        left.add_widget(label(typed, lang, size=30, bold=True, height=px(52)))
        self.pad = CodePad(self.send, lang, t("staff.check.look_up"), t, size_hint_y=1)
        left.add_widget(self.pad)
        body.add_widget(left)
        info = paint(
            BoxLayout(orientation="vertical", spacing=px(6), padding=px(14), size_hint_x=0.8),
            self.theme.panel,
        )
        v = state.voucher
        if v is not None:
            info.add_widget(
                label(v.title, lang, size=28, bold=True, color=self.theme.accent, height=px(48))
            )
            rows = [
                (t("staff.check.state"), t(f"staff.check.state_{v.state}")),
                (t("staff.check.kind"), t(f"staff.check.kind_{v.redemption}")),
                (
                    t("staff.check.valid_until"),
                    v.valid_until.astimezone().strftime("%Y-%m-%d")
                    if v.valid_until
                    else t("staff.check.no_end"),
                ),
                (t("staff.check.card"), state.card_name or t("staff.check.no_card")),
            ]
            for name, value in rows:
                row = BoxLayout(size_hint_y=None, height=px(38))
                row.add_widget(label(name, lang, size=20, color=self.theme.muted))
                row.add_widget(label(value, lang, size=22, bold=True))
                info.add_widget(row)
        else:
            info.add_widget(label(t("staff.check.empty"), lang, size=22, color=self.theme.muted))
        info.add_widget(BoxLayout())
        info.add_widget(message_label(self, state.message, height=px(56)))
        self.redeem = button(
            t("staff.check.redeem"),
            lang,
            lambda: self.send(RedeemChecked()),
            size=26,
            color=self.theme.accent,
            enabled=state.can_redeem and not state.busy,
            size_hint_y=None,
            height=px(84),
        )
        self.redeem.opacity = 1 if state.can_redeem else 0
        info.add_widget(self.redeem)
        body.add_widget(info)
        root.add_widget(body)
        self.add_widget(root)
