"""Hangul input: the 2-set (dubeolsik) keyboard and a composer of jamo into syllables.

Why our own: the kiosk has no OS input method (no window manager, no ibus), and staff of a
Korean shop must type voucher titles in Korean on the on-screen keyboard. Plain Python (no
Kivy) so the flow owns the text and tests run without a window.

Why replay the keystrokes: the composer keeps the jamo typed since the last commit and
builds the text from them on every key. Backspace then simply drops the last keystroke,
which undoes exactly one jamo (한 -> 하 -> ㅎ, ㅘ -> ㅗ, 하나 -> 한), and typing n keys then
n backspaces always returns to where it started; no special case can drift.

Syllables are made by Unicode arithmetic: 0xAC00 + (initial * 21 + medial) * 28 + final.
Keys are the compatibility jamo (U+3131-U+3163) a 2-set keyboard shows; a lone jamo stays
a compatibility jamo in the text, so the output is always NFC.
"""

from __future__ import annotations

from dataclasses import dataclass

SYLLABLE_BASE = 0xAC00
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
COMPOUND_MEDIALS = {
    ("ㅗ", "ㅏ"): "ㅘ",
    ("ㅗ", "ㅐ"): "ㅙ",
    ("ㅗ", "ㅣ"): "ㅚ",
    ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ",
    ("ㅜ", "ㅣ"): "ㅟ",
    ("ㅡ", "ㅣ"): "ㅢ",
}
COMPOUND_FINALS = {
    ("ㄱ", "ㅅ"): "ㄳ",
    ("ㄴ", "ㅈ"): "ㄵ",
    ("ㄴ", "ㅎ"): "ㄶ",
    ("ㄹ", "ㄱ"): "ㄺ",
    ("ㄹ", "ㅁ"): "ㄻ",
    ("ㄹ", "ㅂ"): "ㄼ",
    ("ㄹ", "ㅅ"): "ㄽ",
    ("ㄹ", "ㅌ"): "ㄾ",
    ("ㄹ", "ㅍ"): "ㄿ",
    ("ㄹ", "ㅎ"): "ㅀ",
    ("ㅂ", "ㅅ"): "ㅄ",
}
SPLIT_FINALS = {v: k for k, v in COMPOUND_FINALS.items()}
SPLIT_MEDIALS = {v: k for k, v in COMPOUND_MEDIALS.items()}

# The 2-set layout on the QWERTY rows; Shift gives the tense consonants and ㅒ ㅖ.
DUBEOLSIK = ["ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ"]
DUBEOLSIK_SHIFT = ["ㅃㅉㄸㄲㅆㅛㅕㅑㅒㅖ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ"]
JAMO_KEYS = frozenset("".join(DUBEOLSIK + DUBEOLSIK_SHIFT))


def is_consonant(ch: str) -> bool:
    return ch in INITIALS


def is_vowel(ch: str) -> bool:
    return ch in MEDIALS


def is_jamo(ch: str) -> bool:
    """A key the composer takes: a consonant or vowel of the 2-set keyboard (or a compound)."""
    return len(ch) == 1 and (is_consonant(ch) or is_vowel(ch) or ch in SPLIT_FINALS)


def syllable(initial: str, medial: str, final: str = "") -> str:
    """One precomposed syllable from its jamo (compatibility letters)."""
    i, m, f = INITIALS.index(initial), MEDIALS.index(medial), FINALS.index(final)
    return chr(SYLLABLE_BASE + (i * 21 + m) * 28 + f)


def decompose(ch: str) -> tuple[str, str, str] | None:
    """(initial, medial, final) of a precomposed syllable, None for anything else."""
    index = ord(ch) - SYLLABLE_BASE
    if not 0 <= index < 19 * 21 * 28:
        return None
    return INITIALS[index // 588], MEDIALS[index // 28 % 21], FINALS[index % 28]


def to_keys(text: str) -> list[str]:
    """The 2-set keystrokes that type `text` (ㅘ is ㅗ then ㅏ, ㄺ is ㄹ then ㄱ).

    Why: the flow tests and the UI tests type real words key by key; anything that is not
    a syllable is passed through as one key.
    """
    keys: list[str] = []
    for ch in text:
        parts = decompose(ch)
        if parts is None:
            keys.extend(SPLIT_MEDIALS.get(ch, SPLIT_FINALS.get(ch, (ch,))))
            continue
        initial, medial, final = parts
        keys.append(initial)
        keys.extend(SPLIT_MEDIALS.get(medial, (medial,)))
        if final:
            keys.extend(SPLIT_FINALS.get(final, (final,)))
    return keys


@dataclass
class _Block:
    """The syllable being built: any of its three parts may still be missing."""

    initial: str = ""
    medial: str = ""
    final: str = ""

    def text(self) -> str:
        if self.initial and self.medial:
            return syllable(self.initial, self.medial, self.final)
        return self.initial or self.medial  # a lone consonant or vowel

    def empty(self) -> bool:
        return not (self.initial or self.medial)


def compose(keys: str | list[str]) -> str:
    """The text a sequence of 2-set keystrokes makes (the standard automaton)."""
    out: list[str] = []
    block = _Block()
    for key in keys:
        if is_vowel(key):
            block = _add_vowel(block, key, out)
        elif is_consonant(key) or key in SPLIT_FINALS:
            block = _add_consonant(block, key, out)
        else:
            raise ValueError(f"not a Hangul jamo key: {key!r}")
    return "".join(out) + block.text()


def _flush(block: _Block, out: list[str]) -> None:
    if not block.empty():
        out.append(block.text())


def _add_vowel(block: _Block, key: str, out: list[str]) -> _Block:
    if block.final:  # 한 + ㅏ -> 하나: the final moves on as the next initial
        keep, moved = SPLIT_FINALS.get(block.final, ("", block.final))
        block.final = keep
        _flush(block, out)
        if moved in INITIALS:
            return _Block(initial=moved, medial=key)
        out.append(moved)  # cannot happen with FINALS, kept for safety
        return _Block(medial=key)
    if block.medial:
        joined = COMPOUND_MEDIALS.get((block.medial, key))
        if joined:
            block.medial = joined
            return block
        _flush(block, out)
        return _Block(medial=key)
    block.medial = key  # after an initial (or from empty: a lone vowel)
    return block


def _add_consonant(block: _Block, key: str, out: list[str]) -> _Block:
    if block.initial and block.medial:
        if not block.final:
            if key in FINALS:  # ㄸ ㅃ ㅉ are never finals
                block.final = key
                return block
        else:
            joined = COMPOUND_FINALS.get((block.final, key))
            if joined:
                block.final = joined
                return block
    _flush(block, out)
    if key in INITIALS:
        return _Block(initial=key)
    out.append(key)  # a compound final typed on its own (not on the keyboard) stays as is
    return _Block()


class HangulComposer:
    """The keystrokes since the last commit; `text` is what they make right now."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    @property
    def text(self) -> str:
        return compose(self.keys)

    @property
    def active(self) -> bool:
        return bool(self.keys)

    def type(self, key: str) -> str:
        """Add one jamo key; returns the new composed text."""
        if not is_jamo(key):
            raise ValueError(f"not a Hangul jamo key: {key!r}")
        self.keys.append(key)
        return self.text

    def backspace(self) -> str:
        """Undo one jamo (one keystroke); returns the new composed text."""
        if self.keys:
            self.keys.pop()
        return self.text

    def commit(self) -> str:
        """End composing (focus moved, a space or another key): returns the final text."""
        text, self.keys = self.text, []
        return text


__all__ = [
    "DUBEOLSIK",
    "DUBEOLSIK_SHIFT",
    "HangulComposer",
    "compose",
    "decompose",
    "is_jamo",
    "syllable",
    "to_keys",
]
