"""The pinyin dictionary: which Chinese words are typed with which letters, and how common.

Why this shape: the file (data/pinyin_lexicon.tsv.gz, ~1.3 MB) maps toneless pinyin letters
to words, most common first (生日 for "shengri", 先 县 现 ... 西安 for "xian"), and the
first letters of a word's syllables to the word (lines keyed "=srlw": 生日礼物). It is read
once, on the first pinyin key, into one dict of raw lines; a line is split into words only
when its key is asked for, so ~74k keys cost a few MB and a few hundred ms on a Pi, and a
kiosk that never types Chinese never loads it. The sorted key list answers "every word
whose pinyin starts with these letters" by bisection (typing "shengr" offers 生日).
"""

from __future__ import annotations

import bisect
import gzip
import heapq
import math
import re
import threading
from array import array
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "pinyin_lexicon.tsv.gz"
_SINGLE_CHAR = re.compile(r"(?:^|,)[^ ,] ")
COMPLETION_SCAN_LIMIT = 6000  # keys looked at for "starts with": bounds a one-letter prefix


class LexiconError(RuntimeError):
    """The dictionary file is missing or unreadable (a broken install)."""


class PinyinLexicon:
    """Exact lookups, prefix completions and the set of single syllables."""

    def __init__(self, lines: dict[str, str]) -> None:
        self._initials = {k[1:]: v for k, v in lines.items() if k.startswith("=")}
        lines = {k: v for k, v in lines.items() if not k.startswith("=")}
        self._lines = lines
        self.keys = sorted(lines)
        self._top_freqs = array("Q", (self.top_freq(k) for k in self.keys))  # by key order
        self.syllables = frozenset(k for k, v in lines.items() if _SINGLE_CHAR.search(v))
        self.longest_key = max((len(k) for k in lines), default=0)
        self._log_total = math.log(sum(self._top_freqs) or 1)

    @classmethod
    def from_file(cls, path: Path = DATA) -> PinyinLexicon:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                lines = dict(_parse(fh))
        except (OSError, EOFError, ValueError) as exc:
            raise LexiconError(f"cannot read the pinyin dictionary {path}: {exc}") from exc
        if not lines:
            raise LexiconError(f"the pinyin dictionary {path} is empty")
        return cls(lines)

    def words(self, key: str) -> list[tuple[str, int]]:
        """The words typed exactly as `key`, most common first."""
        line = self._lines.get(key)
        return _split(line) if line else []

    def by_initials(self, letters: str) -> list[tuple[str, int]]:
        """Words whose syllables start with these letters, one each: srlw -> 生日礼物."""
        line = self._initials.get(letters)
        return _split(line) if line else []

    def characters_starting(self, letter: str, limit: int) -> list[tuple[str, int]]:
        """The most common single characters whose syllable starts with `letter` (for a lone
        first letter inside an abbreviation: mybszs -> 满 一百 送 二十)."""
        chars = [
            (w, f)
            for key in self.syllables
            if key.startswith(letter)
            for w, f in self.words(key)
            if len(w) == 1
        ]
        return heapq.nlargest(limit, chars, key=lambda wf: wf[1])

    def top(self, key: str) -> tuple[str, int] | None:
        """The most common word for `key` (the sentence guess needs only this)."""
        line = self._lines.get(key)
        if not line:
            return None
        word, _, rest = line.partition(",")[0].partition(" ")
        return word, int(rest)

    def top_freq(self, key: str) -> int:
        top = self.top(key)
        return top[1] if top else 0

    def log_prob(self, freq: int) -> float:
        """log P(word) of a unigram model: sums of these rank whole-sentence guesses."""
        return math.log(max(freq, 1)) - self._log_total

    def completions(self, prefix: str, limit: int) -> list[tuple[str, int, str]]:
        """The `limit` most common words whose pinyin starts with `prefix` and is longer.

        Returns (word, freq, key). Only each key's best word competes (its frequency is
        kept in an array at load), and at most COMPLETION_SCAN_LIMIT keys are read.
        """
        start = bisect.bisect_right(self.keys, prefix)
        end = bisect.bisect_left(self.keys, prefix + "{", start)  # "{" sorts after "z"
        end = min(end, start + COMPLETION_SCAN_LIMIT)
        best = heapq.nlargest(limit, range(start, end), key=self._top_freqs.__getitem__)
        out: list[tuple[str, int, str]] = []
        for i in best:
            word, freq = self.top(self.keys[i]) or ("", 0)
            out.append((word, freq, self.keys[i]))
        return out


def _parse(fh) -> list[tuple[str, str]]:
    pairs = []
    for raw in fh:
        if raw.startswith("#") or "\t" not in raw:
            continue
        key, line = raw.rstrip("\n").split("\t", 1)
        pairs.append((key, line))
    return pairs


def _split(line: str) -> list[tuple[str, int]]:
    out = []
    for item in line.split(","):
        word, _, freq = item.partition(" ")
        out.append((word, int(freq or 0)))
    return out


_load_lock = threading.Lock()


@lru_cache(maxsize=1)
def _cached() -> PinyinLexicon:
    return PinyinLexicon.from_file()


def default_lexicon() -> PinyinLexicon:
    """The packaged dictionary, read once per process (thread-safe: the UI may preload it)."""
    with _load_lock:
        return _cached()


__all__ = ["DATA", "LexiconError", "PinyinLexicon", "default_lexicon"]
