"""Which font draws which text: Estonian š ž in Roboto, Hangul and Han in Noto Sans CJK.

Why this matters: FreeType draws Noto Sans CJK's š ž Š Ž with the caron beside the letter
(the demo's Estonian staff screens showed "vautšer" as "vauts ̌er"); a precomposed letter
is exactly as wide as its base letter, so widths tell a right drawing from a wrong one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

pytest.importorskip("tests.staff.uihost")  # the offscreen window, sized once

from kivy.core.text import Label as CoreLabel  # noqa: E402

from kiosk.ui.fonts import find_font, latin_font, text_font  # noqa: E402
from kiosk.ui.widgets.common import FitLabel  # noqa: E402
from kiosk.ui.widgets.kit import button, font_for, label  # noqa: E402


def width(text: str, font: str) -> int:
    core = CoreLabel(text=text, font_size=40, font_name=font)
    core.refresh()
    return core.texture.size[0]


def test_roboto_draws_estonian_carons_on_their_letters():
    latin = latin_font()
    assert width("šžŠŽõ", latin) == width("szSZo", latin)


@pytest.mark.skipif(find_font() is None, reason="fonts-noto-cjk not installed")
def test_the_cjk_font_draws_carons_beside_the_letter_which_is_why_latin_text_avoids_it():
    cjk = str(find_font())
    assert width("šž", cjk) > width("sz", cjk)  # if a new font fixes it, this tells us


def test_each_text_gets_the_font_that_draws_it():
    assert text_font("Välju töötaja režiimist") == latin_font()
    assert text_font("생일 축하") != latin_font()
    assert text_font("谢谢惠顾 JAWAJJUF") != latin_font()  # mixed: the CJK font has Latin too


def test_labels_repick_their_font_when_the_text_changes():
    lbl = label("", "et")
    assert lbl.font_name == font_for("et") == latin_font()
    lbl.text = "王芳"  # a Chinese customer name in an Estonian UI
    assert lbl.font_name == font_for("zh")
    lbl.text = "Vautšer"
    assert lbl.font_name == latin_font()
    btn = button("Menüü", "et", lambda: None)
    btn.text = "생일"
    assert btn.font_name == font_for("ko")


def test_fit_labels_of_the_customer_screens_too(tmp_path: Path):
    fit = FitLabel(text="Vautšer")
    fit._reset()
    assert fit.font_name == latin_font()
    fit.text = "印章卡"
    fit._reset()
    assert fit.font_name != latin_font()
