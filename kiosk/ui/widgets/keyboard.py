"""The on-screen keyboard of the kiosk: large keys, layouts per UI language.

Why our own and not Kivy's VKeyboard: it must work with no window manager, report keys
to the flow (which owns the text and validates it at once), and offer the letters of the
UI languages: Latin for every language, with Estonian's Õ Ä Ö Ü Š Ž; digits and the
symbols vouchers need (redeem codes use A-Z, 0-9 and '-'). Korean and Chinese staff type
names and codes in Latin here; their screens and the keyboard's own labels are translated.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from kiosk.ui.widgets.staff_kit import KEY, PANEL, SELECTED, button, paint

LATIN = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
EXTRA = {"et": "õäöüšž"}
SYMBOLS = ["1234567890", "-_.,:;!?@", "'\"()/&%+#", "€$*=<>"]

KeyHandler = Callable[..., None]


def layout_rows(lang: str, mode: str) -> list[str]:
    """The character rows of one layout: 'letters' (per language) or 'symbols'."""
    if mode == "symbols":
        return list(SYMBOLS)
    rows = list(LATIN)
    extra = EXTRA.get(lang, "")
    if extra:
        rows[2] = rows[2] + extra[:2]
        rows[3] = rows[3] + extra[2:]
    return rows


class OnScreenKeyboard(BoxLayout):
    """Sends on_key("key", char=...), on_key("backspace"), and a Shift / ?123 of its own."""

    def __init__(
        self,
        on_key: KeyHandler,
        translate: Callable[[str], str],
        lang: str = "en",
        **kw,
    ) -> None:
        kw.setdefault("orientation", "vertical")
        kw.setdefault("spacing", dp(6))
        kw.setdefault("padding", dp(6))
        super().__init__(**kw)
        paint(self, PANEL)
        self.on_key = on_key
        self.translate = translate
        self.lang = lang
        self.mode = "letters"
        self.shift = True  # titles start with a capital
        self.keys: dict[str, Button] = {}
        self.rebuild()

    def rebuild(self) -> None:
        self.clear_widgets()
        self.keys = {}
        rows = layout_rows(self.lang, self.mode)
        for i, row in enumerate(rows):
            line = BoxLayout(spacing=dp(6))
            if i == len(rows) - 1:
                line.add_widget(self._special("staff.key.shift", self._toggle_shift, self.shift))
            for ch in row:
                line.add_widget(self._char_key(ch))
            if i == len(rows) - 1:
                line.add_widget(self._special("staff.key.back", lambda: self.on_key("backspace")))
            self.add_widget(line)
        bottom = BoxLayout(spacing=dp(6))
        other = "staff.key.letters" if self.mode == "symbols" else "staff.key.symbols"
        bottom.add_widget(self._special(other, self._toggle_mode, size_hint_x=0.2))
        space = self._special("staff.key.space", lambda: self.on_key("key", char=" "))
        space.size_hint_x = 0.6
        self.keys[" "] = space
        bottom.add_widget(space)
        bottom.add_widget(self._char_key("-", size_hint_x=0.1))
        bottom.add_widget(self._char_key(".", size_hint_x=0.1))
        self.add_widget(bottom)

    def _char_key(self, ch: str, **kw) -> Button:
        shown = ch.upper() if self.shift and self.mode == "letters" else ch
        btn = button(shown, self.lang, lambda: self._type(shown), size=26, color=KEY, **kw)
        self.keys[shown] = btn
        return btn

    def _special(
        self, key: str, action: Callable[[], None], selected: bool = False, **kw
    ) -> Button:
        btn = button(self.translate(key), self.lang, action, size=18, selected=selected, **kw)
        self.keys[key] = btn
        return btn

    def _type(self, ch: str) -> None:
        self.on_key("key", char=ch)
        if self.shift and self.mode == "letters" and ch.isalpha():
            self.shift = False  # one capital, like a phone keyboard
            self.rebuild()

    def _toggle_shift(self) -> None:
        self.shift = not self.shift
        self.rebuild()

    def _toggle_mode(self) -> None:
        self.mode = "symbols" if self.mode == "letters" else "letters"
        self.rebuild()

    def set_shift(self, on: bool) -> None:
        if on != self.shift:
            self.shift = on
            self.rebuild()


__all__ = ["OnScreenKeyboard", "layout_rows", "SELECTED"]
