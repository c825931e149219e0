"""The words this kiosk's staff picked before: they come first the next time.

Why: a shop types the same few voucher titles again and again, and a news corpus does not
know them ("mfkf" is 麻烦开发 to it; to a café it is 免费咖啡). Like a phone keyboard, the
kiosk remembers what was picked for which letters: a phrase picked in pieces (免费 + 咖啡
for "mfkf") is remembered whole, and a word picked from further down moves up.

What is kept: letters -> words with a count, at most MAX_ENTRIES (least recently used go
first), in <state_dir>/pinyin_words.json, written atomically (a power cut leaves the old
or the new file; a damaged file is set aside and the kiosk starts afresh). Only voucher
titles and descriptions teach it: names typed into the customer search are never kept.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from kiosk.files.atomic import write_atomic

log = logging.getLogger(__name__)

MAX_ENTRIES = 500
FILE_NAME = "pinyin_words.json"


class UserWords:
    """letters -> {word: [count, last used]}; `words(letters)` ranks them, most used first."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._words: dict[str, dict[str, list[float]]] = self._load() if path else {}

    def words(self, letters: str) -> list[str]:
        entries = self._words.get(letters, {})
        return sorted(entries, key=lambda w: (-entries[w][0], -entries[w][1]))

    def learn(self, letters: str, word: str) -> None:
        """Count one pick of `word` for `letters` and save (a few hundred bytes)."""
        if not letters or not word:
            return
        entry = self._words.setdefault(letters, {}).setdefault(word, [0, 0.0])
        entry[0] += 1
        entry[1] = time.time()
        self._trim()
        self._save()

    def _trim(self) -> None:
        pairs = [(used, k, w) for k, ws in self._words.items() for w, (_, used) in ws.items()]
        for _, key, word in sorted(pairs)[: max(0, len(pairs) - MAX_ENTRIES)]:
            del self._words[key][word]
            if not self._words[key]:
                del self._words[key]

    def _load(self) -> dict[str, dict[str, list[float]]]:
        assert self.path is not None
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {
                str(k): {str(w): [float(c), float(t)] for w, (c, t) in v.items()}
                for k, v in data.items()
            }
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            aside = self.path.with_name(self.path.name + f".damaged-{int(time.time())}")
            log.warning("pinyin word list %s unreadable (%s): moved to %s", self.path, exc, aside)
            self.path.replace(aside)
            return {}

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            write_atomic(self.path, json.dumps(self._words, ensure_ascii=False), 0o600)
        except OSError as exc:  # a full or read-only disk: typing goes on, learning waits
            log.warning("pinyin word list not saved: %s", exc)


__all__ = ["FILE_NAME", "MAX_ENTRIES", "UserWords"]
