"""clean_text: control bytes never survive, lengths are bounded, ordinary text is untouched."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.printer.sanitize import clean_text, drop_unprintable_symbols, has_control_bytes


def test_escpos_commands_become_harmless_text():
    assert clean_text("\x1b@\x1dV\x00Free", 50) == "@ VFree"
    assert clean_text("\x1bp\x00\x19\xfa", 50) == "p\xfa"
    assert clean_text("A\x10\x14\x01\x00\x05B", 50) == "AB"  # DLE DC4 drawer pulse
    assert clean_text("\x1c&Kanji\x1c.", 50) == "&Kanji ." or "\x1c" not in clean_text(
        "\x1c&Kanji\x1c.", 50
    )


def test_cr_tricks_cannot_overprint():
    assert clean_text("PAID\rVOID", 50) == "PAID VOID"
    assert clean_text("a\r\n\r\n\r\n\r\nb", 50, keep_newlines=True) == "a\n\nb"


def test_bidi_overrides_and_zero_width_are_removed_but_rtl_text_stays():
    s = clean_text("\u202eevil\u202c \u200bשלום عربي", 50)
    assert s == "evil שלום عربي"


def test_length_bound_with_ellipsis():
    s = clean_text("x" * 10_000, 80)
    assert len(s) == 80 and s.endswith("…")


def test_emoji_kept_by_clean_text_dropped_for_print():
    s = clean_text("Coffee ☕ 🎉🎉", 50)
    assert drop_unprintable_symbols(s) == "Coffee ☕ "


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=1, max_value=120), st.booleans())
def test_never_a_control_character_and_never_too_long(s, n, keep):
    out = clean_text(s, n, keep_newlines=keep)
    assert len(out) <= n
    assert not has_control_bytes(out)
    assert all(unicodedata.category(c) != "Cc" or (keep and c == "\n") for c in out)
