"""The Hangul composer (kiosk/input_methods/hangul.py): tables and properties, no window."""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.input_methods.hangul import (
    DUBEOLSIK,
    DUBEOLSIK_SHIFT,
    FINALS,
    INITIALS,
    JAMO_KEYS,
    MEDIALS,
    HangulComposer,
    compose,
    decompose,
    is_jamo,
    syllable,
    to_keys,
)

EXAMPLES = 60 if os.environ.get("CI") == "true" else 200


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        ("ㄱ", "ㄱ"),
        ("ㅏ", "ㅏ"),
        ("ㄱㅏ", "가"),
        ("ㅎㅏㄴ", "한"),
        ("ㅎㅏㄴㅏ", "하나"),  # the final moves to the next syllable
        ("ㅇㅏㄴㄴㅕㅇㅎㅏㅅㅔㅇㅛ", "안녕하세요"),
        ("ㅅㅐㅇㅇㅣㄹ", "생일"),
        ("ㅊㅜㄱㅎㅏ", "축하"),
        ("ㅋㅜㅍㅗㄴ", "쿠폰"),
        # compound medials
        ("ㄱㅗㅏ", "과"),
        ("ㅇㅗㅐ", "왜"),
        ("ㅎㅗㅣ", "회"),
        ("ㅁㅜㅓ", "뭐"),
        ("ㅇㅜㅔ", "웨"),
        ("ㄱㅜㅣ", "귀"),
        ("ㅇㅡㅣ", "의"),
        ("ㅗㅏ", "ㅘ"),  # a lone compound vowel
        # compound finals, and their split when a vowel follows
        ("ㄴㅓㄱㅅ", "넋"),
        ("ㅇㅏㄴㅈ", "앉"),
        ("ㅁㅏㄴㅎ", "많"),
        ("ㄷㅏㄹㄱ", "닭"),
        ("ㅅㅏㄹㅁ", "삶"),
        ("ㅇㅕㄹㅂ", "엷"),
        ("ㄱㅗㄹㅅ", "곬"),
        ("ㅎㅏㄹㅌ", "핥"),
        ("ㅇㅡㄹㅍ", "읊"),
        ("ㅇㅏㄹㅎ", "앓"),
        ("ㄱㅏㅂㅅ", "값"),
        ("ㄷㅏㄹㄱㅇㅣ", "닭이"),
        ("ㄷㅏㄹㄱㅏ", "달가"),  # ㄺ + vowel: ㄱ moves on, ㄹ stays
        ("ㅇㅓㅂㅅㅇㅓ", "없어"),
        ("ㄱㅏㅂㅅㅏ", "갑사"),
        ("ㅇㅏㄴㅈㅏ", "안자"),
        # consonants that are never finals start a new syllable
        ("ㄱㅏㄸㅏ", "가따"),
        ("ㅇㅏㅃㅏ", "아빠"),
        ("ㄱㅏㅉㅏ", "가짜"),
        ("ㄲㅗㅊ", "꽃"),
        ("ㅇㅣㅆㄷㅏ", "있다"),
        # lone jamo stay jamo
        ("ㄱㄱ", "ㄱㄱ"),
        ("ㅏㅏ", "ㅏㅏ"),
        ("ㅏㄱ", "ㅏㄱ"),
        ("ㄴㅓㄱㅅㅅ", "넋ㅅ"),
        ("ㄱㅏㅂㅅㅂ", "값ㅂ"),
        ("ㅗㅗ", "ㅗㅗ"),
    ],
)
def test_composes_like_a_korean_keyboard(keys, text):
    assert compose(keys) == text
    assert compose(to_keys(text)) == text


def test_unicode_arithmetic():
    assert syllable("ㄱ", "ㅏ") == "\uac00"
    assert syllable("ㅎ", "ㅣ", "ㅎ") == "\ud7a3"  # the last syllable of the block
    assert syllable("ㅎ", "ㅏ", "ㄴ") == chr(0xAC00 + (18 * 21 + 0) * 28 + 4)
    assert decompose("한") == ("ㅎ", "ㅏ", "ㄴ")
    assert decompose("A") is None
    assert (len(INITIALS), len(MEDIALS), len(FINALS)) == (19, 21, 28)
    # every syllable in the Unicode block decomposes and recomposes to itself
    for code in range(0xAC00, 0xD7A4):
        assert syllable(*decompose(chr(code))) == chr(code)


def test_two_set_layout():
    assert DUBEOLSIK == ["ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ"]
    shifted = {
        a: b for a, b in zip("".join(DUBEOLSIK), "".join(DUBEOLSIK_SHIFT), strict=True) if a != b
    }
    assert shifted == {
        "ㅂ": "ㅃ",
        "ㅈ": "ㅉ",
        "ㄷ": "ㄸ",
        "ㄱ": "ㄲ",
        "ㅅ": "ㅆ",
        "ㅐ": "ㅒ",
        "ㅔ": "ㅖ",
    }
    assert all(is_jamo(k) for k in JAMO_KEYS)
    assert not is_jamo("a") and not is_jamo("") and not is_jamo("가")


def test_backspace_takes_one_jamo_at_a_time():
    c = HangulComposer()
    for k in to_keys("닭과"):
        c.type(k)
    assert c.text == "닭과"
    steps = [c.backspace() for _ in range(len(to_keys("닭과")))]
    assert steps == ["닭고", "닭ㄱ", "닭", "달", "다", "ㄷ", ""]
    assert c.backspace() == ""  # nothing left: nothing happens
    c.type("ㅎ")
    assert c.commit() == "ㅎ" and not c.active and c.text == ""


def test_not_a_jamo_is_refused():
    with pytest.raises(ValueError):
        HangulComposer().type("a")
    with pytest.raises(ValueError):
        compose("ㄱa")


def _valid(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text) and all(
        0xAC00 <= ord(ch) <= 0xD7A3 or 0x3131 <= ord(ch) <= 0x3163 for ch in text
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(sorted(JAMO_KEYS)), max_size=40))
def test_any_keys_compose_and_backspace_back_to_the_start(keys):
    c = HangulComposer()
    seen = [c.text]
    for k in keys:
        seen.append(c.type(k))
        assert _valid(seen[-1])
        assert len(seen[-1]) <= len(c.keys)
    assert seen[-1] == compose(keys)
    # backspace the same number of times walks the same texts back to the start
    back = [c.backspace() for _ in keys]
    assert back == seen[-2::-1]
    assert c.text == "" and not c.active


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), max_size=12))
def test_any_syllables_are_typed_back_exactly(text):
    assert compose(to_keys(text)) == text
