"""Card: the first name, stamps toward the goal with milestones ringed, "3 more for ..."."""

from __future__ import annotations

from kiosk.ui.look import LogoBadge
from kiosk.ui.screens._base import KioskScreen, load_kv
from kiosk.ui.widgets import stamp_grid  # noqa: F401 - registers StampGrid for the .kv

load_kv(__file__)


class CardScreen(KioskScreen):
    screen_name = "card"

    def render(self, state) -> None:
        self._logo = getattr(self, "_logo", None) or LogoBadge(self)  # the shop's logo
        card = state.card
        ids = self.ids
        ids.hello.text = (
            self.t("card.hello", name=card.display_name)
            if card.display_name
            else self.t("card.hello_anon")
        )
        ids.grid.show(card.stamps, card.goal, [m.stamps for m in card.milestones], state.added > 0)
        ids.added.text = self.t("card.stamp_added") if state.added else ""
        ids.count.text = self.t("card.stamps", stamps=card.stamps, goal=card.goal)
        ids.count.color = self.theme.muted
        gift = getattr(state, "birthday", None)
        if gift is not None:  # the greeting and the gift (the grid still shows the count)
            ids.hello.text = self.t("birthday.hello", name=card.display_name)
            ids.count.text = self.t("birthday.gift", title=gift.title)
            ids.count.color = self.theme.accent
        if state.remaining > 0 and state.next_title:
            key = "card.more_one" if state.remaining == 1 else "card.more_many"
            ids.more.text = self.t(key, n=state.remaining, reward=state.next_title)
        else:
            ids.more.text = self.t("card.goal_reached")
        usable = state.usable_vouchers
        ids.vouchers.text = self.t("card.vouchers", n=len(usable))
        ids.vouchers.disabled = not usable
        ids.vouchers.opacity = 1 if usable else 0
        ids.done.text = self.t("common.done")
