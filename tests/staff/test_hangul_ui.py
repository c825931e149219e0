"""Korean typed by real touches on the on-screen keyboard's Hangul layer (offscreen window).

Screenshots go to $STAFF_SHOTS (default: the test's tmp folder) so a person can look at them.
"""

from __future__ import annotations

import pytest
from PIL import Image

pytestmark = pytest.mark.ui

from kiosk.input_methods.hangul import DUBEOLSIK, DUBEOLSIK_SHIFT, to_keys  # noqa: E402
from tests.staff.fakes import PIN  # noqa: E402

pytest.importorskip("tests.staff.uihost")  # the offscreen window, before Kivy widgets
from kiosk.ui.widgets.keyboard import HANGUL_KEY  # noqa: E402
from kiosk.ui.widgets.kit import font_for  # noqa: E402

SHIFTED_ONLY = set("".join(DUBEOLSIK_SHIFT)) - set("".join(DUBEOLSIK))  # ㅃㅉㄸㄲㅆㅒㅖ


def type_hangul(host, text: str) -> None:
    """Tap the jamo keys of `text`; Shift first for the tense consonants and ㅒ ㅖ."""
    for k in to_keys(text):
        kb = host.screen.keyboard
        if (k in SHIFTED_ONLY) != kb.shift:
            host.tap(kb.keys["staff.key.shift"])
        host.tap(host.screen.keyboard.keys[k])


def test_korean_screen_opens_on_hangul_and_types_by_touch(host, memory_env, shots):
    host.open_issue_form("ko", PIN)
    kb = host.screen.keyboard
    assert kb.mode == "hangul" and not kb.shift
    assert all(ch in kb.keys for ch in "".join(DUBEOLSIK))
    assert kb.keys["ㅎ"].font_name == font_for("ko")
    host.tap(host.screen.fields["title"])
    type_hangul(host, "안녕하세")
    field = host.screen.fields["title"]
    # the syllable being composed shows live, underlined, in the CJK font
    assert field.markup and field.text == "안녕하[u]세[/u]|"
    assert field.font_name == font_for("ko")
    type_hangul(host, "요")
    assert memory_env.flow.state.form.title == "안녕하세요"
    host.tap(kb.keys[" "])
    assert not host.screen.fields["title"].markup  # the space committed it
    type_hangul(host, "쌍꺼풀 예쁜 빵")  # tense consonants and ㅖ by Shift
    assert memory_env.flow.state.form.title == "안녕하세요 쌍꺼풀 예쁜 빵"
    for _ in range(3):  # 빵 -> 빠 -> ㅃ -> ""
        host.tap(host.screen.keyboard.keys["staff.key.back"])
    assert memory_env.flow.state.form.title == "안녕하세요 쌍꺼풀 예쁜 "
    host.tap(host.screen.fields["description"])
    type_hangul(host, "생일 축하 쿠폰")
    assert memory_env.flow.state.form.description == "생일 축하 쿠폰"
    path = host.shot(shots, "ko-staff_issue_form-hangul")
    img = Image.open(path).convert("RGB")
    assert img.size[0] >= 800
    assert len(img.getcolors(maxcolors=1_000_000) or ()) > 20
    host.tap(host.screen.generate)
    assert host.sm.current == "staff_issued"
    sent = memory_env.api.issued[-1]
    assert sent["title"] == "안녕하세요 쌍꺼풀 예쁜" and sent["description"] == "생일 축하 쿠폰"


def test_english_screen_switches_to_hangul_and_back(host, memory_env, shots):
    host.open_issue_form("en", PIN)
    kb = host.screen.keyboard
    assert kb.mode == "letters" and "Q" in kb.keys  # Latin first, Shift on for a capital
    host.tap(host.screen.fields["title"])
    host.tap(kb.keys["C"])
    host.tap(kb.keys[" "])
    host.tap(kb.keys[HANGUL_KEY])
    assert kb.mode == "hangul" and "ㅂ" in kb.keys
    type_hangul(host, "커피")
    assert host.screen.fields["title"].font_name == font_for("ko")  # Hangul in an en UI
    host.tap(kb.keys["staff.key.symbols"])
    host.tap(kb.keys["!"])
    host.tap(kb.keys["staff.key.letters"])  # back to the layer it came from
    assert kb.mode == "hangul"
    host.tap(kb.keys[HANGUL_KEY])
    assert kb.mode == "letters"
    host.tap(kb.keys["a"])
    assert memory_env.flow.state.form.title == "C 커피!a"
    host.shot(shots, "en-staff_issue_form-hangul-switch")
