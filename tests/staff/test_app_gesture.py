"""The real KioskApp (kiosk/ui/app.py) with the kiosk's host and its staff mode: the hidden
long press opens the PIN pad, a short tap does not; the staff screens are discovered by
the app itself; Exit leaves nothing of staff mode on screen."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui

pytest.importorskip("tests.staff.uihost")  # sets the offscreen window size first

from kivy.core.window import Window  # noqa: E402

from kiosk.flows.customer import intents as ci  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.ui.driver import Driver  # noqa: E402
from tests.staff.fakes import PIN  # noqa: E402

STAFF_SCREENS = {
    "staff_pin",
    "staff_locked",
    "staff_menu",
    "staff_issue_form",
    "staff_issued",
    "staff_tools",
}


@pytest.fixture
def app(memory_env):
    app = KioskApp(memory_env.flow.host, staff_gesture="long_press_top_left")
    drv = Driver(app).start()
    yield app, drv
    app.on_stop()
    Window.remove_widget(app.root)  # not app.stop(): that would close the shared window
    drv.frames(1)


def all_texts(widget) -> str:
    return " ".join(str(getattr(w, "text", "")) for w in widget.walk())


def test_hidden_long_press_opens_the_pin_pad_and_exit_leaves_nothing(app, tmp_path):
    app, drv = app
    assert set(app.screens) >= STAFF_SCREENS  # discovered by the app, no edits there
    assert drv.wait_screen("attract")
    x, y = 10, Window.height - 10
    drv.tap_at(x, y)  # a short tap in the corner: nothing
    assert app.root.sm.current == "attract"
    drv.tap_at(x, y, hold=3.3)
    assert drv.wait_screen("staff_pin")
    pad = app.screens["staff_pin"]
    for d in PIN:
        drv.tap(pad.keypad.keys[d])
    assert PIN not in all_texts(app.screens["staff_pin"])
    drv.screenshot(tmp_path / "app-pin.png")
    drv.tap(app.screens["staff_pin"].ok)
    assert drv.wait_screen("staff_menu")
    menu = app.screens["staff_menu"]
    drv.tap(menu.buttons["open_issue"])
    assert drv.wait_screen("staff_issue_form")
    form = app.screens["staff_issue_form"]
    drv.tap(form.fields["title"])
    for ch in "Gift":
        drv.tap(app.screens["staff_issue_form"].keyboard.keys[ch if ch == "G" else ch])
    assert app.host.state.form.title == "Gift"
    exit_button = [w for w in form.walk() if getattr(w, "text", "") == "Exit staff mode"][0]
    drv.tap(exit_button)
    assert drv.wait_screen("attract")
    assert "staff" not in app.host.modes
    shown = all_texts(app.root.sm.current_screen)
    assert "Gift" not in shown and "Anna" not in shown


def test_pinyin_and_hangul_compose_in_the_real_app(app):
    """Through KioskApp, whose every touch also reports activity ("wake") to the flow."""
    app, drv = app
    app.host.send(ci.ChooseLanguage(lang="zh"))
    assert drv.wait_screen("attract")
    drv.tap_at(10, Window.height - 10, hold=3.3)
    assert drv.wait_screen("staff_pin")
    for d in PIN:
        drv.tap(app.screens["staff_pin"].keypad.keys[d])
    drv.tap(app.screens["staff_pin"].ok)
    assert drv.wait_screen("staff_menu")
    drv.tap(app.screens["staff_menu"].buttons["open_issue"])
    assert drv.wait_screen("staff_issue_form")
    form = app.screens["staff_issue_form"]
    drv.tap(form.fields["title"])
    kb = form.keyboard
    assert kb.mode == "pinyin"
    for ch in "kafei":
        drv.tap(kb.keys[ch])
    assert kb.candidates.words[0].text == "咖啡"
    drv.tap(kb.candidates.words[0])
    drv.tap(kb.keys["staff.key.hangul"])
    for jamo in "ㅎㅏㄴ":
        drv.tap(kb.keys[jamo])
    drv.frames(2)
    assert app.host.state.form.title == "咖啡한"
