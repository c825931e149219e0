"""The on-screen keyboard of the kiosk: large keys, layouts per UI language.

Why our own and not Kivy's VKeyboard: it must work with no window manager, report keys
to the flow (which owns the text and validates it at once), and offer the letters of the
UI languages: Latin for every language, with Estonian's Õ Ä Ö Ü Š Ž; digits and the
symbols vouchers need (redeem codes use A-Z, 0-9 and '-'). Korean and Chinese staff type
names and codes in Latin here; their screens and the keyboard's own labels are translated.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from kiosk.ui.widgets.staff_kit import KEY, PANEL, SELECTED, button, paint, px

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
    """Sends on_key("key", char=...), on_key("backspace"), and a Shift / ?123 of its own.

    Both layouts are built once; Shift relabels the letter keys in place and ?123 swaps
    the layout, so a keystroke never rebuilds forty buttons.
    """

    def __init__(
        self,
        on_key: KeyHandler,
        translate: Callable[[str], str],
        lang: str = "en",
        **kw,
    ) -> None:
        kw.setdefault("orientation", "vertical")
        kw.setdefault("spacing", px(6))
        kw.setdefault("padding", px(6))
        super().__init__(**kw)
        paint(self, PANEL)
        self.on_key = on_key
        self.translate = translate
        self.lang = lang
        self.mode = "letters"
        self.shift = True  # titles start with a capital
        self._layouts = {m: self._build(m) for m in ("letters", "symbols")}
        self._letter_keys = [b for b in self._layouts["letters"][1] if b.text.isalpha()]
        self.keys: dict[str, Button] = {}
        self._show()

    def _build(self, mode: str) -> tuple[BoxLayout, list[Button], dict[str, Button]]:
        box = BoxLayout(orientation="vertical", spacing=px(6))
        chars: list[Button] = []
        specials: dict[str, Button] = {}
        rows = layout_rows(self.lang, mode)
        for i, row in enumerate(rows):
            line = BoxLayout(spacing=px(6))
            last = i == len(rows) - 1
            if last:
                specials["staff.key.shift"] = self._special("staff.key.shift", self._toggle_shift)
                line.add_widget(specials["staff.key.shift"])
            for ch in row:
                chars.append(self._char_key(ch))
                line.add_widget(chars[-1])
            if last:
                specials["staff.key.back"] = self._special(
                    "staff.key.back", lambda: self.on_key("backspace")
                )
                line.add_widget(specials["staff.key.back"])
            box.add_widget(line)
        bottom = BoxLayout(spacing=px(6))
        other = "staff.key.letters" if mode == "symbols" else "staff.key.symbols"
        specials[other] = self._special(other, self._toggle_mode, size_hint_x=0.2)
        bottom.add_widget(specials[other])
        space = self._special("staff.key.space", lambda: self.on_key("key", char=" "))
        space.size_hint_x = 0.6
        specials[" "] = space
        bottom.add_widget(space)
        for ch in "-.":
            chars.append(self._char_key(ch, size_hint_x=0.1))
            bottom.add_widget(chars[-1])
        box.add_widget(bottom)
        return box, chars, specials

    def _char_key(self, ch: str, **kw) -> Button:
        btn = button(ch, self.lang, lambda: None, size=26, color=KEY, **kw)
        btn.bind(on_release=lambda b: self._type(b.text))
        return btn

    def _special(self, key: str, action: Callable[[], None], **kw) -> Button:
        return button(self.translate(key), self.lang, action, size=18, **kw)

    def _show(self) -> None:
        """Attach the current layout, label the letters for Shift, index keys by label."""
        box, chars, specials = self._layouts[self.mode]
        for btn in self._letter_keys:
            btn.text = btn.text.upper() if self.shift else btn.text.lower()
        shift = self._layouts["letters"][2]["staff.key.shift"]
        shift.background_color = SELECTED if self.shift else KEY
        if box.parent is not self:
            self.clear_widgets()
            self.add_widget(box)
        self.keys = {b.text: b for b in chars} | specials

    def _type(self, ch: str) -> None:
        self.on_key("key", char=ch)
        if self.shift and self.mode == "letters" and ch.isalpha():
            self.shift = False  # one capital, like a phone keyboard
            self._show()

    def _toggle_shift(self) -> None:
        self.shift = not self.shift
        self._show()

    def _toggle_mode(self) -> None:
        self.mode = "symbols" if self.mode == "letters" else "letters"
        self._show()

    def set_shift(self, on: bool) -> None:
        if on != self.shift:
            self.shift = on
            self._show()


__all__ = ["OnScreenKeyboard", "layout_rows"]
