"""Chinese typed by real touches on the on-screen keyboard's pinyin layer (offscreen window).

Screenshots go to $STAFF_SHOTS (default: the test's tmp folder) so a person can look at them.
"""

from __future__ import annotations

import pytest
from PIL import Image

pytestmark = pytest.mark.ui

from tests.staff.fakes import PIN  # noqa: E402

pytest.importorskip("tests.staff.uihost")  # the offscreen window, before Kivy widgets
from kiosk.ui.widgets.keyboard import PINYIN_KEY  # noqa: E402
from kiosk.ui.widgets.kit import font_for  # noqa: E402


def tap_letters(host, letters: str) -> None:
    for ch in letters:
        host.tap(host.screen.keyboard.keys[ch])


def tap_candidate(host, word: str) -> None:
    """Tap `word` on the candidate bar, turning its pages with '>' until it shows."""
    strip = host.screen.keyboard.candidates
    for _ in range(10):
        texts = [b.text for b in strip.words]
        if word in texts:
            host.tap(strip.words[texts.index(word)])
            return
        assert not strip.next.disabled, f"{word} not offered: {texts}"
        host.tap(strip.next)
    raise AssertionError(f"{word} not found")


def digits_shown(kb) -> bool:
    return kb.keys["1"].get_root_window() is not None


def test_chinese_screen_opens_on_pinyin_and_types_a_title_by_touch(host, memory_env, shots):
    host.open_issue_form("zh", PIN)
    kb = host.screen.keyboard
    assert kb.mode == "pinyin" and not kb.shift and "q" in kb.keys
    host.tap(host.screen.fields["title"])
    tap_letters(host, "shengri")
    field = host.screen.fields["title"]
    assert field.markup and field.text == "[u]shengri[/u]|"  # the letters, underlined
    strip = kb.candidates
    assert strip.get_root_window() is not None and not digits_shown(kb)  # bar over digits
    assert strip.preedit.text == "sheng'ri" and strip.words[0].text == "生日"
    assert strip.words[0].font_name == font_for("zh")
    host.shot(shots, "zh-staff_issue_form-pinyin-candidates")
    host.tap(strip.words[0])
    assert memory_env.flow.state.form.title == "生日"
    assert digits_shown(kb)  # the word is final: the digits are back
    tap_letters(host, "lipin")
    host.tap(kb.keys[" "])  # space picks the first candidate
    assert memory_env.flow.state.form.title == "生日礼品"
    host.tap(host.screen.fields["description"])
    tap_letters(host, "mianfeikafei")
    assert kb.candidates.words[0].text == "免费咖啡"
    host.tap(kb.candidates.words[0])
    tap_letters(host, "yibei")
    tap_candidate(host, "一杯")
    assert memory_env.flow.state.form.description == "免费咖啡一杯"
    assert host.screen.fields["description"].font_name == font_for("ko")  # the CJK font
    path = host.shot(shots, "zh-staff_issue_form-pinyin")
    img = Image.open(path).convert("RGB")
    assert len(img.getcolors(maxcolors=1_000_000) or ()) > 20
    host.tap(host.screen.generate)
    assert host.sm.current == "staff_issued"
    sent = memory_env.api.issued[-1]
    assert sent["title"] == "生日礼品" and sent["description"] == "免费咖啡一杯"


def test_a_word_found_on_a_later_page_and_backspace(host, memory_env, shots):
    host.open_issue_form("zh", PIN)
    kb = host.screen.keyboard
    host.tap(host.screen.fields["title"])
    tap_letters(host, "quan")
    strip = kb.candidates
    assert strip.prev.disabled and not strip.next.disabled
    first_page = [b.text for b in strip.words]
    tap_candidate(host, "券")  # 券 is not among the most common "quan"
    assert "券" not in first_page
    assert memory_env.flow.state.form.title == "券"
    tap_letters(host, "ka")
    host.tap(kb.keys["staff.key.back"])
    assert memory_env.flow.state.form.title == "券k" and kb.candidates.preedit.text == "k"
    host.tap(kb.keys["staff.key.back"])
    assert memory_env.flow.state.form.title == "券" and digits_shown(kb)


def test_english_screen_switches_to_pinyin_and_back(host, memory_env, shots):
    host.open_issue_form("en", PIN)
    kb = host.screen.keyboard
    assert kb.mode == "letters"
    host.tap(host.screen.fields["title"])
    host.tap(kb.keys["T"])
    host.tap(kb.keys["e"])
    host.tap(kb.keys["a"])
    host.tap(kb.keys[" "])
    host.tap(kb.keys[PINYIN_KEY])
    assert kb.mode == "pinyin" and kb.keys[PINYIN_KEY].font_name == font_for("ko")
    tap_letters(host, "lvcha")
    assert kb.candidates.words[0].text == "绿茶"
    host.shot(shots, "en-staff_issue_form-pinyin-switch")
    host.tap(kb.keys[PINYIN_KEY])  # switching away keeps the letters as typed
    assert kb.mode == "letters" and memory_env.flow.state.candidates is None
    host.tap(kb.keys["s"])
    assert memory_env.flow.state.form.title == "Tea lvchas"
    host.tap(kb.keys[PINYIN_KEY])
    assert digits_shown(kb)  # no stale candidate bar on the pinyin layer
