"""Staff mode on the kiosk's one host: a customer cannot reach staff screens without the
PIN or a badge, and closing staff mode hands the screen back to the customer."""

from __future__ import annotations

from kiosk.flows.customer import AttractState
from kiosk.flows.customer.intents import StaffGesture
from kiosk.flows.staff import form_intents as sf
from kiosk.flows.staff import intents as si
from kiosk.flows.staff_states import StaffIssueForm, StaffMenu, StaffPin
from tests.staff.fakes import BADGE, PIN


def make(memory_env):
    return memory_env.flow.host


def staff_active(host) -> bool:
    return "staff" in host.modes


def test_customer_touches_never_open_staff_screens(memory_env):
    ctl = make(memory_env)
    for intent in (si.OpenIssue(), si.OpenTools(), sf.Generate(), si.PinOk(), si.ReprintLast()):
        ctl.send(intent)
        assert not staff_active(ctl)
        assert not ctl.state.screen.startswith("staff_"), intent
    ctl.send(StaffGesture())  # the hidden gesture: only the PIN pad
    assert isinstance(ctl.state, StaffPin)
    ctl.send(si.OpenIssue())  # no PIN yet: still the PIN pad
    assert isinstance(ctl.state, StaffPin)
    ctl.send(si.Cancel())
    assert isinstance(ctl.state, AttractState)


def test_forged_badge_gets_the_pin_pad_not_the_menu(memory_env):
    ctl = make(memory_env)
    ctl.scan_text("STAFF:7:guessed")
    assert isinstance(ctl.state, StaffPin)
    assert ctl.state.message.key == "staff.pin.badge_wrong"
    memory_env.clock.advance(2)
    ctl.scan_text(BADGE)
    assert isinstance(ctl.state, StaffMenu)


def test_pin_then_exit_returns_the_customer_screen(memory_env):
    ctl = make(memory_env)
    ctl.send(StaffGesture())
    for d in PIN:
        ctl.send(si.PinDigit(digit=d))
    ctl.send(si.PinOk())
    assert isinstance(ctl.state, StaffMenu)
    ctl.send(si.OpenIssue())
    assert isinstance(ctl.state, StaffIssueForm)
    # a card scanned while staff mode is open picks the customer; it is not stamped
    ctl.scan_text("tok-mari-0000000001")
    assert ctl.state.form.customer.display_name == "Mari"
    assert memory_env.customer.calls == []  # nothing stamped
    ctl.send(si.Exit())
    assert not staff_active(ctl)
    assert isinstance(ctl.state, AttractState)


def test_inactivity_hands_back_through_the_controller_tick(memory_env):
    ctl = make(memory_env)
    ctl.send(StaffGesture())
    memory_env.clock.advance(61)
    ctl.tick()
    assert not staff_active(ctl) and isinstance(ctl.state, AttractState)
