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
    en = _catalog("en")
    for kind in MessageKind:
        assert f"msg.{kind}.title" in en and f"msg.{kind}.body" in en


def _luminance(rgb) -> float:
    def ch(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (ch(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_theme_contrast_readable_from_a_metre():
    from kiosk.ui import theme  # plain constants, no Kivy

    assert _contrast(theme.TEXT, theme.BG) >= 7
    assert _contrast(theme.MUTED, theme.BG) >= 7
    assert _contrast(theme.ACCENT_TEXT, theme.ACCENT) >= 7
    assert _contrast(theme.TEXT, theme.PANEL) >= 7
