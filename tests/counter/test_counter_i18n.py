"""The counter features' words (kiosk/i18n/<lang>/counter.json): every language has every
key, with the same placeholders, and none is empty."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

I18N = Path(__file__).resolve().parents[2] / "kiosk" / "i18n"


def _catalog(lang: str) -> dict[str, str]:
    return json.loads((I18N / lang / "counter.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "et"])
def test_every_language_has_every_counter_key(lang):
    en, other = _catalog("en"), _catalog(lang)
    assert set(other) == set(en)
    for key, text in en.items():
        assert set(re.findall(r"{(\w+)}", other[key])) == set(re.findall(r"{(\w+)}", text)), key
        assert other[key].strip(), key
