"""Staff mode inside the real KioskController: a customer cannot reach staff screens
without the PIN or a badge, and closing staff mode hands the screen back to the customer."""

from __future__ import annotations

from kiosk.flows.controller import KioskController
from kiosk.flows.customer import AttractState
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.flows.staff_states import StaffIssueForm, StaffMenu, StaffPin
from tests.flows.customer_fakes import ScriptedServices
from tests.staff.fakes import BADGE, PIN


def make(memory_env):
    env = memory_env
    services = ScriptedServices()
    ctl = KioskController(
        env.settings,
        services,
        clock=env.clock,
        staff_flow=env.flow,
        executor=InlineExecutor(),
    )
    env.flow.lang_source = lambda: ctl.customer.lang
    ctl.services_for_test = services
    return ctl


def test_customer_touches_never_open_staff_screens(memory_env):
    ctl = make(memory_env)
    for action in ("open_issue", "open_tools", "generate", "pin_ok", "staff_menu", "reprint_last"):
        ctl.touch(action)
        assert not ctl.staff_active
        assert not ctl.state.screen.startswith("staff_"), action
    ctl.touch("staff_open")  # the hidden gesture: only the PIN pad
    assert isinstance(ctl.state, StaffPin)
    ctl.touch("open_issue")  # no PIN yet: still the PIN pad
    assert isinstance(ctl.state, StaffPin)
    ctl.touch("cancel")
    assert isinstance(ctl.state, AttractState)


def test_forged_badge_gets_the_pin_pad_not_the_menu(memory_env):
    ctl = make(memory_env)
    ctl.on_scan_text("STAFF:7:guessed")
    assert isinstance(ctl.state, StaffPin)
    assert ctl.state.message.key == "staff.pin.badge_wrong"
    memory_env.clock.advance(2)
    ctl.on_scan_text(BADGE)
    assert isinstance(ctl.state, StaffMenu)


def test_pin_then_exit_returns_the_customer_screen(memory_env):
    ctl = make(memory_env)
    ctl.touch("staff_open")
    for d in PIN:
        ctl.touch("pin_digit", digit=d)
    ctl.touch("pin_ok")
    assert isinstance(ctl.state, StaffMenu)
    ctl.touch("open_issue")
    assert isinstance(ctl.state, StaffIssueForm)
    # a card scanned while staff mode is open picks the customer; it is not stamped
    ctl.on_scan_text("tok-mari-0000000001")
    assert ctl.state.form.customer.display_name == "Mari"
    assert ctl.services_for_test.calls == []  # nothing stamped
    ctl.touch("exit")
    assert not ctl.staff_active
    assert isinstance(ctl.state, AttractState)


def test_inactivity_hands_back_through_the_controller_tick(memory_env):
    ctl = make(memory_env)
    ctl.touch("staff_open")
    memory_env.clock.advance(61)
    ctl.tick()
    assert not ctl.staff_active and isinstance(ctl.state, AttractState)
