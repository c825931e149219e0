"""Translations: one JSON catalog per area and language, kiosk/i18n/<lang>/<area>.json.

Why JSON files per area rather than one gettext catalog: the customer, staff and
technician screens are written by different hands; one file per area keeps their
changes apart, and a test checks every language has every key. Missing keys fall back
to English, then to the key itself, so a missing translation never crashes a screen.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
FALLBACK = "en"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어", "zh": "中文", "et": "Eesti"}


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = HERE / lang
    if folder.is_dir():
        for f in sorted(folder.glob("*.json")):
            merged.update(json.loads(f.read_text(encoding="utf-8")))
    return merged


def tr(key: str, lang: str = FALLBACK, **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled from `values`."""
    text = catalog(lang).get(key) or catalog(FALLBACK).get(key) or key
    try:
        return text.format(**values) if values else text
    except (KeyError, IndexError, ValueError):
        return text


def languages() -> list[str]:
    return sorted(p.name for p in HERE.iterdir() if p.is_dir() and not p.name.startswith("_"))
