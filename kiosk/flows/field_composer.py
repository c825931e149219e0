"""Typing Korean and Chinese into one text field of a form: which input method composes what.

Why apart from the staff flow: the flow owns the form; this owns the few keystrokes that are
not final yet (a Hangul syllable, pinyin letters waiting for a candidate) and which field
they belong to. The flow asks it first for every key; it answers with the field's whole
new text (committed text + what is being composed) or None when the key is plain typing.

Rules a staff member expects:
- jamo keys compose Hangul; Latin letters sent from the keyboard's pinyin layer compose
  pinyin; anything else (a capital, a digit, a symbol) ends the composition and is typed;
- space with pinyin letters waiting picks the first candidate, as on every pinyin keyboard;
- a field that is full refuses the key rather than cutting what is being composed;
- focus moving, a toggle, a scan or GENERATE ends it: the text stays as shown.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.input_methods.hangul import HangulComposer, is_jamo
from kiosk.input_methods.pinyin import PinyinComposer, is_pinyin_letter
from kiosk.input_methods.pinyin_lexicon import LexiconError, PinyinLexicon, default_lexicon
from kiosk.input_methods.pinyin_user import UserWords

log = logging.getLogger(__name__)
PINYIN = "pinyin"
PRIVATE_FIELDS = frozenset({"search"})  # customer names and phones: never learned or kept


@dataclass(frozen=True)
class CandidateBar:
    """What the candidate bar above the keyboard shows while pinyin is typed."""

    preedit: str = ""  # the letters split into syllables: sheng'ri
    words: tuple[str, ...] = ()  # this page's candidates, the first is what space picks
    page: int = 0
    more: bool = False  # a next page exists


@dataclass(frozen=True)
class Composed:
    """A field's text after a key, and how many of its last characters are still open."""

    text: str
    composing: int = 0
    bar: CandidateBar | None = None


class FieldComposer:
    """The input method composing in one field of the form, if any."""

    def __init__(
        self,
        lexicon: Callable[[], PinyinLexicon] = default_lexicon,
        user_words: UserWords | None = None,
    ) -> None:
        self.hangul = HangulComposer()
        self.pinyin = PinyinComposer(lexicon, user_words)
        self.field = ""  # the field being composed into; "" when idle
        self.base = ""  # that field's committed text before the composition
        self._lexicon = lexicon
        self.pinyin_broken = False  # the dictionary failed to load: letters type as Latin

    def preload(self) -> None:
        """Read the pinyin dictionary in the background (~0.3 s here, ~1 s on a Pi) so the
        first key of a Chinese screen does not wait for it."""
        threading.Thread(target=self._pinyin_ready, name="pinyin-load", daemon=True).start()

    def _pinyin_ready(self) -> bool:
        """True when the dictionary is there; a broken install is logged once, not raised:
        staff can still type (Latin), and the kiosk keeps running."""
        if self.pinyin_broken:
            return False
        try:
            self._lexicon()
        except LexiconError as exc:
            log.error("pinyin input is off: %s (reinstall the kiosk package)", exc)
            self.pinyin_broken = True
        return not self.pinyin_broken

    @property
    def active(self) -> bool:
        return bool(self.field) and (self.hangul.active or self.pinyin.active)

    # -- keys -------------------------------------------------------------------------------

    def key(self, field: str, char: str, ime: str, text_now: str, limit: int) -> Composed | None:
        """A key for `field`; None when it is plain typing (after ending any composition)."""
        space_picks = ime == PINYIN and char == " " and self.field == field
        if space_picks and self.pinyin.letters and self.pinyin.page_candidates():
            return self.pick(0)
        method = self._method_for(char, ime)
        if method is None:
            self.commit()
            return None
        if self.field != field or (self.active and self._current() is not method):
            self.commit()
            self.field, self.base = field, text_now
            self.pinyin.learning = field not in PRIVATE_FIELDS
        composed = method.type(char)
        if len(self.base + composed) > limit:
            composed = method.backspace()  # the field is full: refuse this key
        return self._shown()

    def backspace(self, field: str) -> Composed | None:
        """Undo one keystroke of the composition in `field`; None if nothing composes there."""
        if not self.active or self.field != field:
            return None
        self._current().backspace()
        return self._shown()

    def pick(self, index: int) -> Composed | None:
        """Choose pinyin candidate `index` of the page shown; all letters used = committed."""
        if not self.pinyin.active:
            return None
        self.pinyin.choose(index)
        if self.pinyin.finished:
            done = Composed(self.base + self.pinyin.commit())
            self.field = ""
            return done
        return self._shown()

    def turn_page(self, delta: int) -> Composed | None:
        if not self.pinyin.letters:
            return None
        self.pinyin.turn_page(delta)
        return self._shown()

    def commit(self) -> None:
        """End any composition; the text stays in the field exactly as it was shown."""
        self.hangul.commit()
        self.pinyin.commit()
        self.field = ""

    # -- inside ----------------------------------------------------------------------------

    def _method_for(self, char: str, ime: str) -> HangulComposer | PinyinComposer | None:
        if is_jamo(char):
            return self.hangul
        if ime == PINYIN and is_pinyin_letter(char) and self._pinyin_ready():
            return self.pinyin
        return None

    def _current(self) -> HangulComposer | PinyinComposer:
        return self.pinyin if self.pinyin.active else self.hangul

    def _shown(self) -> Composed:
        method = self._current()
        composed = method.text if method is self.pinyin else self.hangul.text
        if not composed:
            self.field = ""
            return Composed(self.base)
        if method is self.hangul:  # only the last syllable is still open
            return Composed(self.base + composed, composing=1)
        return Composed(self.base + composed, composing=len(composed), bar=self._bar())

    def _bar(self) -> CandidateBar | None:
        if not self.pinyin.letters:
            return None
        return CandidateBar(
            preedit=self.pinyin.preedit(),
            words=tuple(c.text for c in self.pinyin.page_candidates()),
            page=self.pinyin.page,
            more=self.pinyin.has_more(),
        )


__all__ = ["PINYIN", "CandidateBar", "Composed", "FieldComposer"]
