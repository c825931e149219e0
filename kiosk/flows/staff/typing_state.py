"""The form's input-method state (Hangul / pinyin being composed) as a value per step.

Why a copy per step: FieldComposer (kiosk/flows/field_composer.py) is a mutable helper.
The form model must never change after a step returned it (the host and the transcripts
keep old models), so every step that types works on a fresh copy. Learning a picked pinyin
word writes a file: the copy only notes it (`learned`), and the form returns a LearnWord
effect that the composition root carries out.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from kiosk.flows.field_composer import FieldComposer
from kiosk.input_methods.pinyin_lexicon import PinyinLexicon, default_lexicon
from kiosk.input_methods.pinyin_user import UserWords


class LearnLater(UserWords):
    """The user's words, read from the shared store; new picks are only noted."""

    def __init__(self, store: UserWords) -> None:
        super().__init__(None)
        self.store = store
        self.learned: list[tuple[str, str]] = []

    def words(self, letters: str) -> list[str]:
        return self.store.words(letters)

    def learn(self, letters: str, word: str) -> None:
        if letters and word:
            self.learned.append((letters, word))


def new_composer(
    words: UserWords, lexicon: Callable[[], PinyinLexicon] = default_lexicon
) -> FieldComposer:
    return FieldComposer(lexicon=lexicon, user_words=LearnLater(words))


def fork(composer: FieldComposer) -> tuple[FieldComposer, LearnLater]:
    """A copy to type on (the store and the lexicon shared, nothing learned yet)."""
    old = composer.pinyin.user
    store = old.store if isinstance(old, LearnLater) else old
    fresh = LearnLater(store)
    return copy.deepcopy(composer, {id(old): fresh}), fresh
