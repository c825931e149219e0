"""The lottery spin: the wheel turns and lands on the outcome the server drew.

The customer only watches: nothing on this screen can change the outcome (it came in the
state); "Continue" appears once the wheel stopped and shows what the stamp brought.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty

from kiosk.flows.customer.lottery import landing
from kiosk.ui.screens._base import KioskScreen, load_kv
from kiosk.ui.widgets import wheel as _wheel  # noqa: F401 - registers LotteryWheel for the .kv

load_kv(__file__)


class SpinScreen(KioskScreen):
    screen_name = "spin"

    landed = BooleanProperty(False)  # the wheel stopped on the drawn segment

    def render(self, state) -> None:
        if state.draw is None:
            return
        self.ids.title.text = self.t("spin.title")
        self.ids.go_on.text = self.t("spin.continue")
        segments = [(kind, title or self.t(f"spin.kind.{kind}")) for kind, title in state.segments]
        if self.landed and self._shown is state.draw:
            self._outcome(state)  # the language changed: the wheel stays where it stopped
            return
        self._shown = state.draw
        self.landed = False
        self.ids.result.text = ""
        wheel = self.ids.wheel
        wheel.set_segments(segments)
        wheel.spin_to(landing(state.segments, state.draw), lambda: self._stopped(state))

    _shown: object = None

    def _stopped(self, state) -> None:
        self.landed = True
        self._outcome(self.state or state)

    def _outcome(self, state) -> None:
        outcome = state.draw.outcome
        title = outcome.title or self.t(f"spin.kind.{outcome.kind}")
        key = "spin.won" if outcome.won else f"spin.result.{outcome.kind}"
        self.ids.result.text = self.t(key, title=title)

    def on_leave(self, *_a) -> None:
        self.ids.wheel.stop()
        self._shown = None
        self.landed = False
