"""Reward unlocked: a celebration (confetti) with the new voucher and a way to open it."""

from __future__ import annotations

from kiosk.flows.customer.intents import OpenVoucher
from kiosk.ui.screens._base import KioskScreen, load_kv
from kiosk.ui.widgets import confetti  # noqa: F401 - registers Confetti for the .kv

load_kv(__file__)


class RewardScreen(KioskScreen):
    screen_name = "reward"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._first = ""

    def render(self, state) -> None:
        v = state.vouchers[0] if state.vouchers else None
        self._first = v.id if v else ""
        self.ids.title.text = self.t("reward.title")
        self.ids.reward.text = v.title if v else ""
        self.ids.how.text = self.t(f"how.{v.redemption}") if v else ""
        self.ids.later.text = self.t("reward.later")
        self.ids.open.text = self.t("reward.open")
        if not state.access.reduced_motion:
            self.ids.confetti.start()

    def reduce_motion(self, on: bool) -> None:
        """The accessibility mode's reduced motion: no confetti."""
        if on:
            self.ids.confetti.stop()

    def on_leave(self, *_a) -> None:
        self.ids.confetti.stop()

    def open_first(self) -> None:
        if self._first:
            self.send(OpenVoucher(self._first))
