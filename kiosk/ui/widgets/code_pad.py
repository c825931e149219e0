"""The code pad: A-Z, 0-9, dash and space, for a redeem code or a customer's name.

Why not the issue form's keyboard: a redeem code and a search are short, Latin capitals
and digits; a compact grid beside the result fits the counter screen, and it only reports
which key was pressed (the staff flow keeps the text).
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.gridlayout import GridLayout

from kiosk.flows.runtime import Intent
from kiosk.flows.staff.barista import PadErase, PadGo, PadKey
from kiosk.ui.widgets.kit import button, px

ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM")


class CodePad(GridLayout):
    def __init__(
        self,
        on_key: Callable[[Intent], None],
        lang: str,
        go_text: str,
        words: Callable[[str], str] = str,
        **kw,
    ) -> None:
        kw.setdefault("cols", 10)
        kw.setdefault("spacing", px(4))
        super().__init__(**kw)
        self.keys = {}
        for row in ROWS:
            for ch in row:
                self._add(ch, lang, lambda c=ch: on_key(PadKey(c)))
        self._add(words("staff.key.space"), lang, lambda: on_key(PadKey(" ")), "space")
        self._add(words("staff.key.back"), lang, lambda: on_key(PadErase()), "erase")
        self.go = button(go_text, lang, lambda: on_key(PadGo()), size=18)
        self.add_widget(self.go)

    def _add(self, text: str, lang: str, press: Callable[[], None], name: str = "") -> None:
        b = button(text, lang, press, size=22 if len(text) == 1 else 15)
        self.keys[name or text] = b
        self.add_widget(b)
