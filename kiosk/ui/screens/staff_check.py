"""staff_check: check a voucher (scan its QR or code, or type the code), then Redeem.

Redeem shows only for a usable staff-scan or redeem-code voucher; the flow refuses it
otherwise too. The redeem is the exactly-once server call (one key per checked voucher).
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.staff.barista import RedeemChecked, StaffCheck
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.kit import label, px
from kiosk.ui.widgets.pad_page import pad_page, panel_foot


class StaffCheckScreen(KioskScreen):
    screen_name = "staff_check"
    theme = STAFF

    def render(self, state: StaffCheck) -> None:
        self.clear_widgets()
        t, lang = self.t, self.lang
        self.pad, info = pad_page(
            self,
            "staff.check.title",
            hint=t("staff.check.hint"),
            typed=state.typed,
            go=t("staff.check.look_up"),
            panel_width=0.8,
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
        can = state.can_redeem and not state.busy
        redeem = t("staff.check.redeem")
        self.redeem = panel_foot(self, info, state.message, redeem, RedeemChecked(), enabled=can)
        self.redeem.opacity = 1 if state.can_redeem else 0
