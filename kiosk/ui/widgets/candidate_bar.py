"""The pinyin candidate bar: the letters being typed, split into syllables, and the words.

Why it takes the digit row's place: while pinyin letters wait for a word, a digit would end
the composition anyway, and a 7" screen has no height to spare for a bar of its own; the
keyboard keeps its size and the digits come back as soon as the word is picked.
Touches only report to the flow (pick_candidate / candidate_page): the flow owns the text.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label

from kiosk.flows.field_composer import CandidateBar
from kiosk.flows.runtime import Intent
from kiosk.flows.staff.form_intents import CandidatePage, PickCandidate
from kiosk.input_methods.pinyin import PAGE_SIZE
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.kit import button, font_for, px

Send = Callable[[Intent], None]


class CandidateStrip(BoxLayout):
    """[sheng'ri] [生日] [生日快乐] ... [<] [>]: one row, buttons reused for every page."""

    def __init__(self, send: Send, lang: str, **kw) -> None:
        kw.setdefault("spacing", px(6))
        super().__init__(**kw)
        self.send = send
        self.preedit = Label(
            font_size=px(18),
            color=STAFF.accent,
            size_hint_x=2.0,  # in units of a one-character word key
            halign="center",
            valign="middle",
            shorten=True,
            shorten_from="left",  # a long phrase shows its end, where typing happens
        )
        self.preedit.bind(size=lambda w, v: setattr(w, "text_size", v))
        self.add_widget(self.preedit)
        self.words: list[Button] = []
        for i in range(PAGE_SIZE):
            btn = button("", lang, lambda i=i: self._pick(i), size=26, color=STAFF.key)
            btn.font_name = font_for("zh")
            self.words.append(btn)
            self.add_widget(btn)
        self.prev = button("<", lang, lambda: self._page(-1), size=24, size_hint_x=0.7)
        self.next = button(">", lang, lambda: self._page(1), size=24, size_hint_x=0.7)
        self.add_widget(self.prev)
        self.add_widget(self.next)
        self.bar: CandidateBar | None = None

    def show(self, bar: CandidateBar) -> None:
        self.bar = bar
        self.preedit.text = bar.preedit
        for i, btn in enumerate(self.words):
            word = bar.words[i] if i < len(bar.words) else ""
            btn.text = word
            btn.disabled = not word
            btn.size_hint_x = max(1.0, len(word) * 0.45)  # a phrase gets a wider key
        self.prev.disabled = bar.page == 0
        self.next.disabled = not bar.more
        for arrow in (self.prev, self.next):
            arrow.color = STAFF.muted if arrow.disabled else (1, 1, 1, 1)

    def _pick(self, index: int) -> None:
        if self.bar is not None and index < len(self.bar.words):
            self.send(PickCandidate(index))

    def _page(self, delta: int) -> None:
        self.send(CandidatePage(delta))


__all__ = ["CandidateStrip"]
