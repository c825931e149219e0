"""The accessibility mode doubles staff's timeout on the kiosk's real host (#17): the
customer's visit in the mode, the hidden gesture, the PIN, the menu; a FakeClock moves the
time (transcripts of each flow: tests/flows/test_access_timeouts.py)."""

from __future__ import annotations

from kiosk.flows.customer.access import OpenAccessibility
from kiosk.flows.customer.intents import GoBack, StaffGesture
from kiosk.flows.staff_states import StaffMenu
from tests.staff.fakes import PIN


def test_on_the_kiosks_host_staff_over_the_mode_lives_twice_as_long(memory_env):
    """Customer in the mode -> the hidden gesture -> PIN -> menu: 60 s of staff's timeout
    become 120 s; the customer's own 20 s below became 40 s (the mode ends with it)."""
    host, clock = memory_env.flow.host, memory_env.clock
    host.send(OpenAccessibility())
    host.send(GoBack())
    assert host.state.access.on
    host.send(StaffGesture())
    memory_env.pin(PIN)
    assert isinstance(host.state, StaffMenu) and host.state.timeout_s == 120
    clock.advance(119)
    host.tick()
    assert host.modes == ("customer", "staff")
    assert not host.view_of("customer").access.on  # the visit below timed out at 40 s
    clock.advance(1)
    host.tick()
    assert host.modes == ("customer",)


def test_on_the_kiosks_host_an_ordinary_visit_keeps_staffs_own_timeout(memory_env):
    host, clock = memory_env.flow.host, memory_env.clock
    host.send(StaffGesture())
    memory_env.pin(PIN)
    assert host.state.timeout_s == 60
    clock.advance(60)
    host.tick()
    assert host.modes == ("customer",)
