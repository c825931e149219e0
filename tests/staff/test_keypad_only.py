"""Staff mode by key events alone (#17): the PIN pad, the menu, the voucher form and its
on-screen keyboard, reached with Tab / arrows and Enter through the kiosk's focus ring
(kiosk/ui/focus.py), never a touch."""

from __future__ import annotations

import pytest

from tests.staff.fakes import PIN

pytestmark = pytest.mark.ui

kivy_host = pytest.importorskip("tests.staff.uihost")

TAB, ENTER = 9, 13


def same(label: str, wanted: str) -> bool:
    """A letter key shows upper case after Shift (the first letter of a title)."""
    return label.lower() == wanted.lower() if len(wanted) == 1 else label == wanted


@pytest.fixture
def keys(host):
    from kiosk.ui.focus import FocusRing, KeypadFocus

    focus = KeypadFocus(host.flow.send, FocusRing())

    def press(code: int) -> None:
        focus.rendered(host.screen, host.flow.state, 1.0)
        assert focus.on_key(None, code, 0, None, [])
        host.sync(2)

    def choose(wanted, tries: int = 80) -> None:
        """Tab until the ring is on `wanted` (its words, or the widget), then Enter."""
        from kiosk.ui.focus import label_of

        for _ in range(tries):
            focus.rendered(host.screen, host.flow.state, 1.0)
            target = focus.target()
            hit = (
                target is wanted if not isinstance(wanted, str) else same(label_of(target), wanted)
            )
            if target is not None and hit:
                press(ENTER)
                return
            press(TAB)
        raise AssertionError(f"no control {wanted!r} on {host.sm.current}")

    return choose


def test_staff_login_menu_and_form_by_keys_alone(host, memory_env, keys):
    host.flow.begin_unlock()
    host.sync(2)
    assert host.sm.current == "staff_pin"
    for digit in PIN:
        keys(digit)
    keys(host.screen.ok.text)
    assert host.sm.current == "staff_menu"
    keys(host.screen.buttons["open_issue"].text)
    assert host.sm.current == "staff_issue_form"
    keys(host.screen.fields["title"])  # the title field takes the keyboard
    for letter in "cake":
        keys(letter)
    assert memory_env.flow.state.form.title.lower() == "cake"
