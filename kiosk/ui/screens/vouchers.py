"""Vouchers: the card's usable vouchers, each saying how it is redeemed; tap to open."""

from __future__ import annotations

from kivy.app import App

from kiosk.flows.customer.intents import OpenVoucher
from kiosk.ui.screens._base import KioskScreen, load_kv
from kiosk.ui.widgets.common import KioskButton

load_kv(__file__)


class VouchersScreen(KioskScreen):
    screen_name = "vouchers"

    def render(self, state) -> None:
        u = getattr(App.get_running_app(), "u", 1.0)
        self.ids.title.text = self.t("vouchers.title")
        self.ids.back.text = self.t("common.back")
        self.ids.done.text = self.t("common.done")
        rows = self.ids.rows
        rows.clear_widgets()
        if not state.vouchers:
            rows.add_widget(
                KioskButton(
                    text=self.t("vouchers.none"),
                    bg=self.theme.bg,
                    color=self.theme.muted,
                    size_hint_y=None,
                    height=80 * u,
                    base_size=26 * u,
                )
            )
        for v in state.vouchers:
            btn = KioskButton(
                text=f"{v.title}\n[size={int(20 * u)}]{self.t('how.' + v.redemption)}[/size]",
                markup=True,
                bg=self.theme.panel,
                color=self.theme.text,
                size_hint_y=None,
                height=96 * u,
                base_size=28 * u,
            )
            btn.voucher_id = v.id
            btn.bind(on_release=lambda b: self.send(OpenVoucher(b.voucher_id)))
            rows.add_widget(btn)
