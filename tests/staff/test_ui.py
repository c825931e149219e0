"""The staff screens under the real offscreen window: filled by touch, and screenshotted.

Screenshots go to $STAFF_SHOTS (default: the test's tmp folder) so a person can look at
them; the tests check that each is a real, non-blank picture of the intended screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from kiosk.flows.staff.barista import OpenCheck, OpenStamps, PadGo, PadKey

pytestmark = pytest.mark.ui

from kiosk.flows.staff import form_intents as sf  # noqa: E402
from kiosk.flows.staff import intents as si  # noqa: E402
from tests.staff.fakes import PIN, TOKEN  # noqa: E402

kivy_host = pytest.importorskip("tests.staff.uihost")


def key(host, label):
    return host.screen.keyboard.keys[label]


def type_on_keyboard(host, text: str) -> None:
    kb = host.screen.keyboard
    for ch in text:
        if ch.isalpha() and ch.isupper() and not kb.shift:
            host.tap(kb.keys["staff.key.shift"])
        if ch.isalpha() and ch.islower() and kb.shift:
            host.tap(kb.keys["staff.key.shift"])
        if ch.isdigit() and ch not in kb.keys:
            host.tap(kb.keys["staff.key.symbols"])
        host.tap(host.screen.keyboard.keys[ch])
        kb = host.screen.keyboard


def login_by_touch(host, pin=PIN):
    host.flow.begin_unlock()
    for d in pin:
        host.tap(host.screen.keypad.keys[d])
    host.tap(host.screen.ok)


def test_form_filled_by_touch_through_the_on_screen_keyboard(host, memory_env):
    login_by_touch(host)
    assert host.sm.current == "staff_menu"
    host.tap(host.screen.buttons["open_issue"])
    assert host.sm.current == "staff_issue_form"
    host.tap(host.screen.fields["title"])
    type_on_keyboard(host, "Birthday cake")
    assert memory_env.flow.state.form.title == "Birthday cake"
    host.tap(host.screen.fields["description"])
    type_on_keyboard(host, "Happy day")
    host.tap(host.screen.keyboard.keys["staff.key.back"])
    assert memory_env.flow.state.form.description == "Happy da"
    # the POS code by touch: choose "POS code", type it
    given = [b for b in host.screen.walk() if getattr(b, "text", "") == "POS code"][0]
    host.tap(given)
    assert memory_env.flow.state.focus == "code_value"
    type_on_keyboard(host, "bday25")
    assert memory_env.flow.state.form.code_value == "BDAY25"
    months = [b for b in host.screen.walk() if getattr(b, "text", "") == "Months"][0]
    host.tap(months)
    type_on_keyboard(host, "3")
    host.tap(host.screen.generate)
    assert host.sm.current == "staff_issued"
    sent = memory_env.api.issued[-1]
    assert sent["title"] == "Birthday cake" and sent["description"] == "Happy da"
    assert sent["redeem_code"] == {"value": "BDAY25", "symbology": "qr"}
    assert sent["validity"] == "months:3"
    assert memory_env.printer.printed[-1].redeem_code == "BDAY25"


def test_errors_show_in_words_on_the_form(host, memory_env):
    login_by_touch(host)
    host.tap(host.screen.buttons["open_issue"])
    host.tap(host.screen.generate)
    texts = host.texts()
    assert "The voucher needs a title." in texts
    assert "Please fix the 1 marked field(s) first." in texts
    assert memory_env.api.issued == []


def _is_real_picture(path: Path) -> None:
    img = Image.open(path).convert("RGB")
    assert img.size[0] >= 800
    colors = img.getcolors(maxcolors=1_000_000)
    assert colors is not None and len(colors) > 20, f"{path} looks blank"


@pytest.mark.parametrize(("lang", "size"), [("en", None), ("ko", None), ("et", (800, 480))])
def test_screenshots_of_every_staff_screen(host, memory_env, shots, lang, size):
    """Every staff screen, shot; on the 7" 800x480 panel each is also checked for buttons
    under 9 mm and for anything sticking out of its box."""
    from kivy.core.window import Window

    env, flow = memory_env, memory_env.flow
    before = tuple(Window.size)
    if size:
        Window.size = size
    host.set_lang(lang)
    made: dict[str, Path] = {}
    problems: list[str] = []

    def shot(name: str) -> Path:
        path = host.shot(shots, f"{lang}-{name}" + (f"-{size[0]}x{size[1]}" if size else ""))
        if size:
            problems.extend(f"{name}: {p}" for p in _small_buttons(host.screen))
            problems.extend(f"{name}: {p}" for p in _outside_the_window(host.screen))
        return path

    flow.begin_unlock()
    for d in PIN[:3]:
        flow.send(si.PinDigit(digit=d))
    made["staff_pin"] = shot("staff_pin")
    assert PIN[:3] not in " ".join(host.texts())
    flow.send(si.PinDigit(digit=PIN[3]))
    flow.send(si.PinOk())
    made["staff_menu"] = shot("staff_menu")
    flow.send(si.OpenIssue())
    env.type("title", "")
    flow.send(sf.SetCodeMode(mode="given"))
    env.type("code_value", "FREE COFFEE!")
    flow.send(sf.SetValidity(kind="fixed_date"))
    flow.send(sf.Generate())
    made["staff_issue_form-errors"] = shot("staff_issue_form-errors")
    env.type("search", "mar")
    flow.send(sf.Search())
    flow.send(sf.PickCustomer(card_id="card-1"))
    env.type("title", "Birthday coffee")
    flow.send(sf.SetCodeMode(mode="generate"))
    flow.send(sf.SetValidity(kind="days"))
    env.type("validity_n", "30")
    flow.send(sf.TogglePrint())
    made["staff_issue_form"] = shot("staff_issue_form")
    flow.send(sf.Generate())
    made["staff_issued-customer"] = shot("staff_issued-customer")
    env.printer.paper_out = True
    flow.send(si.NewVoucher())
    env.type("title", "Sorry it was cold")
    flow.send(sf.Generate())
    made["staff_issued"] = shot("staff_issued-paper-out")
    env.printer.paper_out = False
    flow.send(si.RetryPrint())
    env.log.record("stamp", env.clock.now())
    flow.send(si.Back())
    flow.send(si.OpenTools())
    flow.send(si.ReprintLast())
    made["staff_tools"] = shot("staff_tools")
    flow.send(si.Back())
    flow.send(OpenCheck())  # the barista's tools (issue 15): their pages before any scan
    made["staff_check"] = shot("staff_check")
    flow.send(si.Back())
    flow.send(OpenStamps())
    made["staff_stamp"] = shot("staff_stamp")
    for ch in "MAR":
        flow.send(PadKey(ch))
    flow.send(PadGo())  # a name search: the results (alone, on a small panel)
    made["staff_stamp-results"] = shot("staff_stamp-results")
    assert list(host.screen.results) == ["card-1"]
    flow.send(si.Exit())
    env.clock.advance(1)
    flow.begin_unlock()
    for _ in range(5):
        for d in "0000":
            flow.send(si.PinDigit(digit=d))
        flow.send(si.PinOk())
        env.clock.advance(1)
    flow.tick()
    made["staff_locked"] = shot("staff_locked")
    assert set(kivy_host.staff_screen_classes()) <= {k.split("-")[0] for k in made}
    Window.size = before
    for path in made.values():
        _is_real_picture(path)
    assert problems == [], "\n".join(problems)


def test_pin_pad_shows_dots_only(host, memory_env):
    flow = memory_env.flow
    flow.begin_unlock()
    for d in PIN:
        host.tap(host.screen.keypad.keys[d])
    assert host.screen.dots.length == 4
    shown = " ".join(host.texts())
    assert PIN not in shown and TOKEN not in shown


def test_estonian_keyboard_types_its_letters_by_touch(host, memory_env):
    from kiosk.ui.widgets.keyboard import layout_rows

    assert "õ" in "".join(layout_rows("et", "letters"))
    assert "õ" not in "".join(layout_rows("en", "letters"))
    host.set_lang("et")
    login_by_touch(host)
    host.tap(host.screen.buttons["open_issue"])
    assert host.screen.fields["description"].text == "Kirjeldus (valikuline)"  # in Estonian
    host.tap(host.screen.fields["title"])
    type_on_keyboard(host, "Šokolaad õhtul")
    assert memory_env.flow.state.form.title == "Šokolaad õhtul"
    host.tap(host.screen.keyboard.keys["staff.key.symbols"])
    host.tap(host.screen.keyboard.keys["!"])
    assert memory_env.flow.state.form.title == "Šokolaad õhtul!"


def test_a_korean_title_shows_in_the_cjk_font_on_an_english_screen(host, memory_env):
    """Text from the form or the server may be Hangul whatever the UI language: the issued
    screen must not draw it in Roboto (empty boxes)."""
    from kivy.uix.label import Label

    flow = memory_env.flow
    host.set_lang("en")
    flow.begin_unlock()
    for d in PIN:
        flow.send(si.PinDigit(digit=d))
    flow.send(si.PinOk())
    flow.send(si.OpenIssue())
    flow.send(sf.Focus(field="title"))
    flow.send(sf.Key(char="생일 쿠폰"))  # a committed Korean title, as the keyboard gives it
    flow.send(sf.SetCodeMode(mode="generate"))
    flow.send(sf.Generate())
    host.sync()
    titles = [w for w in host.screen.walk() if isinstance(w, Label) and w.text == "생일 쿠폰"]
    assert titles and all("CJK" in w.font_name for w in titles)
    flow.close()


@pytest.fixture
def small_panel(host):
    """The 7" 800x480 panel: the same offscreen window, made smaller (and made big again)."""
    from kivy.core.window import Window

    before = tuple(Window.size)
    Window.size = (800, 480)
    host.pump(3)
    yield host
    Window.size = before
    host.pump(3)


def _small_buttons(screen) -> list[str]:
    """Visible buttons under 9 mm on a 7" 800x480 panel (47 px: MIN_TARGET_PX_AT_U1)."""
    from kivy.uix.button import Button

    from kiosk.ui.theme import MIN_TARGET_PX_AT_U1

    found = []
    for w in screen.walk():
        shown = isinstance(w, Button) and w.opacity > 0.01 and w.get_root_window() is not None
        if shown and min(w.size) < MIN_TARGET_PX_AT_U1 - 1:
            found.append(f"{w.text[:16]!r} {tuple(map(int, w.size))}")
    return found


def test_on_a_small_panel_the_form_and_the_keyboard_take_turns(small_panel, memory_env, shots):
    host = small_panel
    login_by_touch(host)
    host.tap(host.screen.buttons["open_issue"])
    screen = host.screen
    # the form opens on its first field's typing page: the field, Done, a full-height keyboard
    assert screen.keyboard.get_root_window() is not None
    assert set(screen.fields) == {"title"}
    assert _small_buttons(screen) == []
    type_on_keyboard(host, "Thanks")
    host.shot(shots, "800x480-staff-form-typing")
    host.tap(screen.done_button)
    # Done: the whole form, no keyboard, every button big enough for a finger
    assert memory_env.flow.state.focus == ""
    assert screen.keyboard.get_root_window() is None
    assert {"search", "title", "description"} <= set(screen.fields)
    assert screen.fields["title"].text == "Thanks"
    host.shot(shots, "800x480-staff-form")
    assert _small_buttons(screen) == []
    given = [b for b in screen.walk() if getattr(b, "text", "") == "POS code"][0]
    host.tap(given)  # the POS code: its typing page opens by itself
    assert set(screen.fields) == {"code_value"}
    type_on_keyboard(host, "bday25")
    host.tap(screen.done_button)
    days = [b for b in screen.walk() if getattr(b, "text", "") == "Fixed date"][0]
    host.tap(days)
    host.shot(shots, "800x480-staff-form-date")
    assert _small_buttons(screen) == []
    # the customer: search on the typing page, pick from its results, back to the form
    host.tap(screen.fields["search"])
    type_on_keyboard(host, "mar")
    search = [b for b in screen.walk() if getattr(b, "text", "") == "Search"][0]
    host.tap(search)
    host.sync(3)  # found: typing ends, the results show on the form
    assert memory_env.flow.state.focus == "" and screen.keyboard.get_root_window() is None
    host.shot(shots, "800x480-staff-form-search")
    assert _small_buttons(screen) == []
    host.tap(screen.fields["search"])  # typing again with results found: keys keep their size
    assert _small_buttons(screen) == []
    host.tap(screen.done_button)
    host.tap(screen.result_buttons[0])
    assert memory_env.flow.state.form.customer is not None
    host.shot(shots, "800x480-staff-form-customer")
    assert _small_buttons(screen) == [] and _outside_the_window(screen) == []
    host.tap(screen.generate)
    assert host.sm.current == "staff_issued"
    sent = memory_env.api.issued[-1]
    assert sent["title"] == "Thanks" and sent["card_id"] == "card-1"
    assert sent["redeem_code"] == {"value": "BDAY25", "symbology": "qr"}


def _outside_the_window(screen) -> list[str]:
    """Visible widgets sticking out of their box (a column too tall for the panel runs
    over the title bar) or out of the window."""
    from kivy.core.window import Window

    out = []
    for w in screen.walk():
        parent = w.parent
        if w.opacity <= 0.01 or w.height <= 2 or parent is None or parent is screen:
            continue
        _, y = w.to_window(*w.pos)
        _, py = parent.to_window(*parent.pos)
        if y < max(py, 0) - 1 or y + w.height > min(py + parent.height, Window.height) + 1:
            out.append(f"{type(w).__name__} {getattr(w, 'text', '')[:16]!r} at y={int(y)}")
    return out
