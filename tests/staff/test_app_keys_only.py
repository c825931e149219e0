"""Every staff action by key events alone, on the real KioskApp (#17): the held staff key
(the keypad's ".", the hidden corner's twin) opens the PIN pad; Tab / Enter through the
focus ring type the PIN, open the voucher form, type its title on the on-screen keyboard,
issue it (a free voucher: its coupon prints), and leave. No touch anywhere: only the window's key
events, as a USB keypad sends them (tests/staff/test_keypad_only.py drives the focus ring
on the staff screens alone)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui

pytest.importorskip("tests.staff.uihost")  # sets the offscreen window size first

from kivy.core.window import Window  # noqa: E402

from kiosk.ui.app import STAFF_HOLD_S, KioskApp  # noqa: E402
from kiosk.ui.driver import Driver  # noqa: E402
from kiosk.ui.focus import focusables, label_of  # noqa: E402
from kiosk.ui.keys import KP_PERIOD  # noqa: E402
from tests.staff.fakes import PIN  # noqa: E402

TAB, ENTER = 9, 13


@pytest.fixture
def app(memory_env):
    app = KioskApp(memory_env.flow.host, staff_gesture="long_press_top_left")
    drv = Driver(app).start()
    yield app, drv
    app.on_stop()
    Window.remove_widget(app.root)  # not app.stop(): that would close the shared window
    drv.frames(1)


def key(drv, code: int, hold: float = 0.0, modifiers: tuple[str, ...] = ()) -> None:
    Window.dispatch("on_key_down", code, 0, None, list(modifiers))
    if hold:
        drv.pump(hold)
    Window.dispatch("on_key_up", code, 0)
    drv.frames(2)


def same(label: str, wanted: str) -> bool:
    """A letter key shows upper case after Shift (the first letter of a title)."""
    return label.lower() == wanted.lower() if len(wanted) == 1 else label == wanted


def choose(app, drv, wanted, tries: int = 80) -> None:
    """Tab until the ring is on `wanted` (its words, or the widget itself), then Enter;
    Shift+Tab when that way is shorter (the Generate button is the form's last)."""
    items = focusables(app.root.sm.current_screen)
    back = False
    if not isinstance(wanted, str) and wanted in items:
        back = (items.index(wanted) - app.focus.index) % len(items) > len(items) // 2
    for _ in range(tries):
        target = app.focus.target()
        if target is not None and (
            target is wanted if not isinstance(wanted, str) else same(label_of(target), wanted)
        ):
            key(drv, ENTER)
            return
        key(drv, TAB, modifiers=("shift",) if back else ())
    raise AssertionError(f"no control {wanted!r} on {app.root.sm.current}")


def test_every_staff_action_by_key_events_alone(app, memory_env, tmp_path):
    app, drv = app
    assert drv.wait_screen("attract")
    key(drv, KP_PERIOD, hold=0.5)  # too short: nothing (and not the customer's mode)
    assert app.root.sm.current == "attract" and not app.host.state.access.on
    key(drv, KP_PERIOD, hold=STAFF_HOLD_S + 0.3)
    assert drv.wait_screen("staff_pin")
    for digit in PIN:
        choose(app, drv, digit)
    assert PIN not in " ".join(str(getattr(w, "text", "")) for w in app.root.walk())
    choose(app, drv, app.screens["staff_pin"].ok)
    assert drv.wait_screen("staff_menu")
    choose(app, drv, app.screens["staff_menu"].buttons["open_issue"])
    assert drv.wait_screen("staff_issue_form")
    form = app.screens["staff_issue_form"]
    choose(app, drv, form.fields["title"])  # the title field takes the keyboard
    for letter in "cake":
        choose(app, drv, letter)
    assert memory_env.flow.state.form.title.lower() == "cake"
    drv.screenshot(tmp_path / "staff-keys-form.png")
    choose(app, drv, form.generate, tries=200)  # issue; a free voucher's coupon prints
    assert drv.wait_screen("staff_issued")
    assert memory_env.api.issued[-1]["title"].lower() == "cake"
    assert drv.wait_for(lambda: len(memory_env.printer.printed) == 1)
    choose(app, drv, "Exit staff mode", tries=40)
    assert drv.wait_screen("attract") and "staff" not in app.host.modes
