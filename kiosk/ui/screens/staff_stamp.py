"""staff_stamp: add stamps by hand: scan the card or search by name, 1 to N stamps, a
reason from the pick list (and words of one's own, typed on the code pad)."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.flows.staff.barista import (
    MAX_STAMPS,
    REASONS,
    AddStamps,
    PickCard,
    PickReason,
    StaffStamp,
    StampCount,
    TypeNote,
)
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.kit import button, compact, label, px, touch_px
from kiosk.ui.widgets.pad_page import pad_page, panel_foot


class StaffStampScreen(KioskScreen):
    screen_name = "staff_stamp"
    theme = STAFF

    def render(self, state: StaffStamp) -> None:
        self.clear_widgets()
        t = self.t
        hint = t("staff.stamps.note") if state.typing_note else t("staff.stamps.search")
        typed = state.note if state.typing_note else state.typed
        go = t("staff.stamps.done_note") if state.typing_note else t("staff.stamps.find")
        self.pad, info = pad_page(
            self, "staff.stamps.title", hint=hint, typed=typed, go=go, panel_width=0.9
        )
        self._fill(info, state)
        self._foot(info, state)

    def _fill(self, info: BoxLayout, state: StaffStamp) -> None:
        """The right panel: the card found (or search results), count, reason, Add. On a
        small panel, search results show alone: a card is picked before the rest."""
        self.results, self.reasons = {}, {}
        for c in state.results[:4]:
            b = button(
                f"{c.display_name}  {c.contact_hint}  ({c.stamps}/{c.goal})",
                self.lang,
                lambda cid=c.id: self.send(PickCard(cid)),
                size=18,
                size_hint_y=None,
                height=touch_px(52),
            )
            self.results[c.id] = b
            info.add_widget(b)
        if not (state.results and compact()):
            self._card_and_choices(info, state)

    def _card_and_choices(self, info: BoxLayout, state: StaffStamp) -> None:
        """Who gets the stamps, how many, and why."""
        t, lang = self.t, self.lang
        card = state.card
        who = (
            f"{card.display_name}  ({card.stamps}/{card.goal})"
            if card
            else t("staff.stamps.no_card")
        )
        info.add_widget(
            label(who, lang, size=24, bold=True, color=self.theme.accent, height=px(40))
        )
        count = BoxLayout(size_hint_y=None, height=touch_px(64), spacing=px(8))
        self.minus = button(
            "−", lang, lambda: self.send(StampCount(-1)), size=30, enabled=state.count > 1
        )
        self.plus = button(
            "+", lang, lambda: self.send(StampCount(1)), size=30, enabled=state.count < MAX_STAMPS
        )
        count.add_widget(self.minus)
        count.add_widget(
            label(
                t("staff.stamps.count", count=state.count),
                lang,
                size=24,
                bold=True,
                halign="center",
            )
        )
        count.add_widget(self.plus)
        info.add_widget(count)
        rows = 2 if compact() else 1  # four reasons side by side are too narrow there
        reasons = GridLayout(rows=rows, size_hint_y=None, spacing=px(6))
        reasons.height = rows * touch_px(60) + (rows - 1) * px(6)
        for r in REASONS:
            b = button(
                t(f"staff.stamps.reason_{r}"),
                lang,
                lambda r=r: self.send(PickReason(r)),
                size=16,
                selected=state.reason == r,
            )
            self.reasons[r] = b
            reasons.add_widget(b)
        info.add_widget(reasons)
        note = state.note or t("staff.stamps.note_hint")
        self.note = button(
            note,
            lang,
            lambda: self.send(TypeNote()),
            size=16,
            selected=state.typing_note,
            size_hint_y=None,
            height=touch_px(48),
        )
        info.add_widget(self.note)

    def _foot(self, info: BoxLayout, state: StaffStamp) -> None:
        ready = state.ready and not state.busy
        add = self.t("staff.stamps.add")
        self.add = panel_foot(self, info, state.message, add, AddStamps(), enabled=ready)
