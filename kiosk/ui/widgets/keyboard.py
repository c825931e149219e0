"""The on-screen keyboard of the kiosk: large keys, layouts per UI language.

Why our own and not Kivy's VKeyboard: it must work with no window manager, report keys
to the flow (which owns the text and validates it at once), and offer the letters of the
UI languages: Latin for every language, with Estonian's Õ Ä Ö Ü Š Ž; Korean on the 2-set
(dubeolsik) layer, whose jamo the flow composes into syllables (kiosk/input_methods/hangul.py);
Chinese on the pinyin layer: Latin keys whose letters the flow turns into words picked
on a candidate bar (kiosk/input_methods/pinyin.py); digits and the symbols vouchers need
(redeem codes use A-Z, 0-9 and '-'). The 한/A and 中/A keys switch Latin <-> Hangul and
Latin <-> pinyin on every language's keyboard (a Korean or Chinese customer name can be
typed anywhere); Korean screens open on Hangul, Chinese screens on pinyin.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from kiosk.flows.field_composer import CandidateBar
from kiosk.flows.runtime import Intent
from kiosk.flows.staff.form_intents import Backspace, EndCompose, Key
from kiosk.input_methods.hangul import DUBEOLSIK, DUBEOLSIK_SHIFT
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.candidate_bar import CandidateStrip
from kiosk.ui.widgets.kit import button, font_for, paint, px

LATIN = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
EXTRA = {"et": "õäöüšž"}
SYMBOLS = ["1234567890", "-_.,:;!?@", "'\"()/&%+#", "€$*=<>"]
MODES = ("letters", "hangul", "pinyin", "symbols")
HANGUL_KEY = "staff.key.hangul"  # the 한/A layer switch
PINYIN_KEY = "staff.key.pinyin"  # the 中/A layer switch
SCRIPT_KEYS = {"hangul": HANGUL_KEY, "pinyin": PINYIN_KEY}
OPENS_ON = {"ko": "hangul", "zh": "pinyin"}

KeyHandler = Callable[[Intent], None]


def layout_rows(lang: str, mode: str) -> list[str]:
    """The character rows of one layout: 'letters' (per language), 'hangul', 'pinyin', 'symbols'."""
    if mode == "symbols":
        return list(SYMBOLS)
    if mode == "hangul":
        return ["1234567890", *DUBEOLSIK]
    rows = list(LATIN)
    if mode == "pinyin":
        return rows
    extra = EXTRA.get(lang, "")
    if extra:
        rows[2] = rows[2] + extra[:2]
        rows[3] = rows[3] + extra[2:]
    return rows


def default_mode(lang: str) -> str:
    """Korean staff start on the Hangul layer, Chinese on pinyin; everyone else on Latin."""
    return OPENS_ON.get(lang, "letters")


class OnScreenKeyboard(BoxLayout):
    """Sends on_key(Key(char, ime=...)), on_key(Backspace()), the candidate bar's
    PickCandidate / CandidatePage; Shift, ?123, 한/A and 中/A are its own.

    All layouts are built once; Shift relabels the letter keys in place and ?123 / 한/A / 中/A
    swap the layout, so a keystroke never rebuilds forty buttons.
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
        paint(self, STAFF.panel)
        self.on_key = on_key
        self.translate = translate
        self.lang = lang
        self.mode = default_mode(lang)
        self.alpha = self.mode  # the letter layer ?123 returns to
        self.shift = self.mode == "letters"  # titles start with a capital; Hangul has none
        self._slots: dict[str, BoxLayout] = {}  # per layout: holds the digits or the candidates
        self._digits: dict[str, BoxLayout] = {}
        self._layouts = {m: self._build(m) for m in MODES}
        self.candidates = CandidateStrip(on_key, lang)
        self._letter_keys = [
            b for m in ("letters", "pinyin") for b in self._layouts[m][1] if b.text.isalpha()
        ]
        self._jamo_keys = self._jamo_labels()
        self.keys: dict[str, Button] = {}
        self._show()

    def _jamo_labels(self) -> list[tuple[Button, str, str]]:
        """Each jamo key with its plain and shifted label (ㅂ/ㅃ, ㅐ/ㅒ, ...)."""
        keys = [b for b in self._layouts["hangul"][1] if not b.text.isdigit()]
        plain, shifted = "".join(DUBEOLSIK), "".join(DUBEOLSIK_SHIFT)
        return list(zip(keys, plain, shifted, strict=False))

    def _build(self, mode: str) -> tuple[BoxLayout, list[Button], dict[str, Button]]:
        box = BoxLayout(orientation="vertical", spacing=px(6))
        chars: list[Button] = []
        specials: dict[str, Button] = {}
        rows = layout_rows(self.lang, mode)
        font = font_for("ko") if mode == "hangul" else None
        for i, row in enumerate(rows):
            line = BoxLayout(spacing=px(6))
            if i == 0:
                self._digits[mode] = line
                self._slots[mode] = BoxLayout()
                self._slots[mode].add_widget(line)
            last = i == len(rows) - 1
            if last:
                specials["staff.key.shift"] = self._special("staff.key.shift", self._toggle_shift)
                line.add_widget(specials["staff.key.shift"])
            for ch in row:
                chars.append(self._char_key(ch, font=font))
                line.add_widget(chars[-1])
            if last:
                specials["staff.key.back"] = self._special(
                    "staff.key.back", lambda: self.on_key(Backspace())
                )
                line.add_widget(specials["staff.key.back"])
            box.add_widget(self._slots[mode] if i == 0 else line)
        box.add_widget(self._bottom(mode, chars, specials))
        return box, chars, specials

    def _bottom(self, mode: str, chars: list[Button], specials: dict[str, Button]) -> BoxLayout:
        bottom = BoxLayout(spacing=px(6))
        other = "staff.key.letters" if mode == "symbols" else "staff.key.symbols"
        specials[other] = self._special(other, self._toggle_mode, size_hint_x=0.16)
        bottom.add_widget(specials[other])
        space_x = 0.6
        if mode != "symbols":
            for script, key in SCRIPT_KEYS.items():
                switch = self._special(key, lambda s=script: self._switch_script(s))
                switch.size_hint_x = 0.12
                switch.font_name = font_for("ko")  # 한 and 中 need the CJK font everywhere
                switch.background_color = STAFF.selected if mode == script else STAFF.key
                specials[key] = switch
                bottom.add_widget(switch)
            space_x = 0.4
        space = self._special("staff.key.space", lambda: self._type(" "))
        space.size_hint_x = space_x
        specials[" "] = space
        bottom.add_widget(space)
        for ch in "-.":
            chars.append(self._char_key(ch, size_hint_x=0.1))
            bottom.add_widget(chars[-1])
        return bottom

    def _char_key(self, ch: str, font: str | None = None, **kw) -> Button:
        btn = button(ch, self.lang, lambda: None, size=26, color=STAFF.key, **kw)
        if font:
            btn.font_name = font
        btn.bind(on_release=lambda b: self._type(b.text))
        return btn

    def _special(self, key: str, action: Callable[[], None], **kw) -> Button:
        return button(self.translate(key), self.lang, action, size=18, **kw)

    def _show(self) -> None:
        """Attach the current layout, label the letters for Shift, index keys by label."""
        box, chars, specials = self._layouts[self.mode]
        for btn in self._letter_keys:
            btn.text = btn.text.upper() if self.shift else btn.text.lower()
        for btn, plain, shifted in self._jamo_keys:
            btn.text = shifted if self.shift else plain
        for mode in ("letters", "hangul", "pinyin"):
            shift = self._layouts[mode][2]["staff.key.shift"]
            shift.background_color = STAFF.selected if self.shift else STAFF.key
        if box.parent is not self:
            self.clear_widgets()
            self.add_widget(box)
        self.keys = {b.text: b for b in chars} | specials

    def _type(self, ch: str) -> None:
        if self.mode == "pinyin":
            self.on_key(Key(ch, ime="pinyin"))
        else:
            self.on_key(Key(ch))
        if self.shift and self.mode != "symbols" and ch.isalpha():
            self.shift = False  # one capital (or one tense consonant), like a phone keyboard
            self._show()

    def _toggle_shift(self) -> None:
        self.shift = not self.shift
        self._show()

    def _toggle_mode(self) -> None:
        self.mode = "symbols" if self.mode != "symbols" else self.alpha
        self._show()

    def _switch_script(self, script: str) -> None:
        """한/A, 中/A: Latin <-> that script. Shift is dropped (Hangul and pinyin have none);
        what was being composed is final, as when a person switches keyboards on a phone."""
        self.mode = self.alpha = "letters" if self.mode == script else script
        self.shift = False
        self.on_key(EndCompose())
        self._show()

    def show_candidates(self, bar: CandidateBar | None) -> None:
        """The flow's candidate bar in place of the pinyin layer's digit row, or the digits."""
        slot = self._slots["pinyin"]
        shown = self.candidates if bar is not None else self._digits["pinyin"]
        if bar is not None:
            self.candidates.show(bar)
        if shown.parent is not slot:
            slot.clear_widgets()
            slot.add_widget(shown)

    def set_shift(self, on: bool) -> None:
        if on != self.shift:
            self.shift = on
            self._show()


__all__ = ["HANGUL_KEY", "PINYIN_KEY", "OnScreenKeyboard", "default_mode", "layout_rows"]
