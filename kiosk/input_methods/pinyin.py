"""Pinyin input: Latin letters typed on the keyboard become Chinese words picked from candidates.

How it works, as on a phone: staff type the toneless pinyin of a phrase ("mianfeikafei"),
or only the first letters of its syllables ("srlw" for 生日礼物),
the kiosk offers candidates (免费咖啡 first: the best split of all the letters into common
words; then words for all the letters; then words for the first few letters: 免费, 面, 免
...). Picking one turns the letters it covers into characters and offers candidates for the
rest ("kafei" -> 咖啡); when no letters are left, the text is final. ü is typed as "v"
(nv -> 女), as every pinyin keyboard does.

Why plain Python: the staff flow owns the field's text and drives this key by key; tests
type whole phrases without a window. The dictionary is loaded on the first letter.

Ranking uses a unigram model: a split of the letters into words scores the sum of the words'
log frequencies less a cost per word, so fewer, common words win (西安 "xian" loses to 先 unless picked further
down). Frequencies come from the jieba corpus (see scripts/build_pinyin_lexicon.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from kiosk.input_methods.pinyin_lexicon import PinyinLexicon, default_lexicon
from kiosk.input_methods.pinyin_user import UserWords

PAGE_SIZE = 6  # candidates shown at once: large touch targets on a 7" screen
MAX_CANDIDATES = 240  # 40 pages: rare words stay reachable, the common ones come first
COMPLETIONS = 6  # words whose pinyin only starts with the letters ("shengr" -> 生日)
INITIALS = 80  # words by their syllables' first letters ("srlw" -> 生日礼物): all the file has
MAX_LETTERS = 40  # a composition longer than this is refused (the DP stays small)
# Cost of each extra word in a whole-phrase guess (natural log): fewer, longer words win
# when frequencies are close. Measured with bench/pinyin.py: 4 gives 19/25 held-out
# voucher titles as the first candidate, against 17/25 with pure word frequencies.
WORD_PENALTY = 4.0


def is_pinyin_letter(ch: str) -> bool:
    """Lower-case a-z; 'v' stands for ü. Capitals and digits are typed as they are."""
    return len(ch) == 1 and "a" <= ch <= "z"


@dataclass(frozen=True)
class Candidate:
    """A word (or phrase) offered for the first `letters` letters of the composition."""

    text: str
    letters: int


class PinyinComposer:
    """Letters typed so far, characters already picked, and the candidates for the rest."""

    def __init__(
        self,
        lexicon: Callable[[], PinyinLexicon] = default_lexicon,
        user: UserWords | None = None,
    ) -> None:
        self._lexicon_source = lexicon
        self.user = user or UserWords(None)  # words picked before, first next time
        self.learning = True  # off for the customer search: names are never kept
        self.picked = ""  # characters chosen in this composition
        self.letters = ""  # letters not yet turned into characters
        self.page = 0
        self._candidates: list[Candidate] | None = None
        self._picks: list[tuple[str, str]] = []  # (letters, characters) picked, to learn

    # -- state ---------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return bool(self.picked or self.letters)

    @property
    def text(self) -> str:
        """What the field shows while composing: the picked characters, then the letters."""
        return self.picked + self.letters

    @property
    def lexicon(self) -> PinyinLexicon:
        return self._lexicon_source()

    # -- keys ----------------------------------------------------------------------------------

    def type(self, letter: str) -> str:
        """One letter more; returns the composition's text."""
        if not is_pinyin_letter(letter):
            raise ValueError(f"not a pinyin letter: {letter!r}")
        if len(self.letters) < MAX_LETTERS:
            self.letters += letter
            self._changed()
        return self.text

    def backspace(self) -> str:
        """Drop the last letter; with none left, the last picked character goes back."""
        if self.letters:
            self.letters = self.letters[:-1]
        else:
            self.picked = self.picked[:-1]
            self._picks = []  # the phrase was edited: nothing to learn from it
        self._changed()
        return self.text

    def choose(self, index: int) -> str:
        """Pick candidate `index` of the current page: its letters become its characters."""
        shown = self.page_candidates()
        if not 0 <= index < len(shown):
            return self.text
        cand = shown[index]
        self.picked += cand.text
        consumed, self.letters = self.letters[: cand.letters], self.letters[cand.letters :]
        self._picks.append((consumed, cand.text))
        if not self.letters:
            self._learn()
        self._changed()
        return self.text

    def _learn(self) -> None:
        """All letters picked: remember the phrase for the letters that made it."""
        if self.learning and self._picks:
            letters = "".join(typed for typed, _ in self._picks)
            self.user.learn(letters, "".join(text for _, text in self._picks))
        self._picks = []

    def commit(self) -> str:
        """End the composition as it stands (letters not picked stay letters); returns it."""
        text = self.text
        self.picked = self.letters = ""
        self._picks = []
        self._changed()
        return text

    @property
    def finished(self) -> bool:
        """All letters were turned into characters: the composition can be committed."""
        return bool(self.picked) and not self.letters

    # -- candidates ------------------------------------------------------------------------------

    def candidates(self) -> list[Candidate]:
        if self._candidates is None:
            self._candidates = (
                candidates_for(self.letters, self.lexicon, self.user) if self.letters else []
            )
        return self._candidates

    def page_candidates(self) -> list[Candidate]:
        start = self.page * PAGE_SIZE
        return self.candidates()[start : start + PAGE_SIZE]

    def has_more(self) -> bool:
        return (self.page + 1) * PAGE_SIZE < len(self.candidates())

    def turn_page(self, delta: int) -> None:
        last = max(0, (len(self.candidates()) - 1) // PAGE_SIZE)
        self.page = min(max(0, self.page + delta), last)

    def preedit(self) -> str:
        """The letters split into syllables the way people read them: sheng'ri'li'w, lü'cha."""
        return "'".join(split_syllables(self.letters, self.lexicon.syllables)).replace("v", "ü")

    def _changed(self) -> None:
        self.page = 0
        self._candidates = None


def candidates_for(
    letters: str, lexicon: PinyinLexicon, user: UserWords | None = None
) -> list[Candidate]:
    """Every candidate for `letters`, best first, without repeats: what staff picked for
    these letters before, then the dictionary's."""
    n = len(letters)
    learned = [Candidate(w, n) for w in user.words(letters)] if user else []
    whole = [Candidate(w, n) for w, _ in lexicon.words(letters)]
    whole += [Candidate(w, n) for w, _, _ in lexicon.completions(letters, COMPLETIONS)]
    # An unfinished last syllable is guessed only when no single word starts with all the
    # letters: "shengr" offers 生日 first, not 省 + 人; "mianfeikaf" offers 免费咖啡.
    if only_initials(letters):
        guess = best_by_initials(letters, lexicon)
    else:
        guess = best_sentence(letters, lexicon, complete_tail=not whole)
    found = learned + ([Candidate(guess, n)] if guess is not None else [])
    found += whole
    # First letters of syllables (srlw -> 生日礼物): after words spelled out in full, so
    # "da" still offers 大 before 大案; first when the letters spell nothing else.
    found += [Candidate(w, n) for w, _ in lexicon.by_initials(letters)[:INITIALS]]
    if only_initials(letters):  # words for the first few letters: mf|kf -> 免费, 麻烦 ...
        for end in range(min(n - 1, 4), 1, -1):
            found += [Candidate(w, end) for w, _ in lexicon.by_initials(letters[:end])]
        found += [Candidate(w, 1) for w, _ in lexicon.characters_starting(letters[0], INITIALS)]
    for end in range(min(n - 1, lexicon.longest_key), 0, -1):
        found += [Candidate(w, end) for w, _ in lexicon.words(letters[:end])]
    seen: set[str] = set()
    unique = []
    for cand in found:
        if cand.text not in seen:
            seen.add(cand.text)
            unique.append(cand)
    return unique[:MAX_CANDIDATES]


Best = list[tuple[float, tuple[str, ...]] | None]  # per letter position: (score, words)
TopWord = Callable[[str], tuple[str, int] | None]  # a piece of letters -> its best word


def best_sentence(letters: str, lexicon: PinyinLexicon, complete_tail: bool = True) -> str | None:
    """The likeliest split of ALL the letters into two or more words, or None.

    A last piece that is only the start of a word ("kaf") may be completed.
    """
    best = _best_splits(letters, lexicon, lexicon.top, 1, lexicon.longest_key)
    if best[-1] is None and complete_tail:
        _complete_tail(best, letters, lexicon)
    return _phrase(best)


VOWELS = frozenset("aeiouv")


def only_initials(letters: str) -> bool:
    """No vowel: every syllable has one (but the interjections m, n, ng), so letters like
    "mfkf" can only be first letters of syllables."""
    return bool(letters) and not VOWELS.intersection(letters)


def best_by_initials(letters: str, lexicon: PinyinLexicon) -> str | None:
    """The likeliest split of first letters into words: xnkl -> 新年快乐, over words of
    2-4 syllables looked up by their first letters."""

    def top(piece: str) -> tuple[str, int] | None:
        words = lexicon.by_initials(piece)
        return words[0] if words else None

    return _phrase(_best_splits(letters, lexicon, top, 2, 4))


def _best_splits(
    letters: str, lexicon: PinyinLexicon, top: TopWord, shortest: int, longest: int
) -> Best:
    """Dynamic programming over letter positions: best[i] is the best (score, words) that
    covers letters[:i] with pieces of `shortest`..`longest` letters that `top` knows."""
    n = len(letters)
    best: Best = [None] * (n + 1)
    best[0] = (0.0, ())
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + shortest, min(n, i + longest) + 1):
            word = top(letters[i:j])
            if word is not None:
                _offer(best, j, best[i], word, lexicon)
    return best


def _phrase(best: Best) -> str | None:
    """The split covering all letters, if it has two words or more (one is a plain word)."""
    result = best[-1]
    if result is None or len(result[1]) < 2:
        return None
    return "".join(result[1])


def _offer(best, j, before, top, lexicon) -> None:
    score = before[0] + lexicon.log_prob(top[1]) - WORD_PENALTY
    if best[j] is None or score > best[j][0]:
        best[j] = (score, (*before[1], top[0]))


def _complete_tail(best, letters: str, lexicon: PinyinLexicon) -> None:
    """Cover the end with a word whose pinyin only starts with the remaining letters.

    Every split point competes by score, so "mianfeikaf" ends in 咖啡 (kaf...), not in
    卡 + 发展 (ka + f...).
    """
    n = len(letters)
    for i in range(n - 1, 0, -1):
        if best[i] is None:
            continue
        words = lexicon.completions(letters[i:], 1)
        if words:
            _offer(best, n, best[i], words[0][:2], lexicon)


def split_syllables(letters: str, syllables: frozenset[str]) -> list[str]:
    """Longest syllable first, backing off when the rest cannot be read ("xiang", not "xian'g").

    An unfinished last syllable ("sheng'r") and stray letters are kept as they are, so every
    typed letter is always shown.
    """
    if not letters:
        return []
    for end in range(min(len(letters), 6), 0, -1):
        head, rest = letters[:end], letters[end:]
        if head in syllables and (not rest or _readable(rest, syllables)):
            return [head, *split_syllables(rest, syllables)]
    if _starts_syllable(letters, syllables):
        return [letters]
    head = next(
        (letters[:e] for e in range(min(len(letters), 6), 0, -1) if letters[:e] in syllables),
        letters[0],
    )
    return [head, *split_syllables(letters[len(head) :], syllables)]


@lru_cache(maxsize=4096)
def _readable(rest: str, syllables: frozenset[str]) -> bool:
    """Can `rest` be read as syllables, the last one possibly unfinished?"""
    if _starts_syllable(rest, syllables):
        return True
    return any(
        rest[:e] in syllables and _readable(rest[e:], syllables)
        for e in range(min(len(rest), 6), 0, -1)
    )


def _starts_syllable(piece: str, syllables: frozenset[str]) -> bool:
    return len(piece) <= 6 and any(s.startswith(piece) for s in syllables)


__all__ = [
    "PAGE_SIZE",
    "Candidate",
    "PinyinComposer",
    "best_sentence",
    "candidates_for",
    "is_pinyin_letter",
    "split_syllables",
]
