"""Staff as a mode of the kiosk's host: the customer opens it (badge, gesture) in its own
language, it takes every scan while open, Exit closes it, and Diagnostics hands over to the
technician mode; the real handlers, on an inline host."""

from __future__ import annotations

from types import SimpleNamespace

from kiosk.cli._staff_parts import staff_mode
from kiosk.cli._technician_parts import TechnicianDeps, technician_mode
from kiosk.flows.staff import intents as si
from kiosk.flows.staff_states import StaffMenu, StaffPin
from kiosk.flows.technician import intents as ti
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.flows.customer_fakes import HeldExecutor
from tests.staff.conftest import add_staff, build_server_env, staff_host
from tests.staff.fakes import BADGE, PIN

CARD = ClassifiedScan(ScanKind.CARD, "tok-mari-0000000001")


def test_a_badge_is_staffs_a_card_is_the_customers_until_staff_is_open(memory_env):
    flow = memory_env.flow
    assert flow.on_scan(CARD) is False and not flow.active
    assert memory_env.customer.calls == [("stamp", CARD.value)]  # the customer's stamp
    assert flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE)) is True
    assert isinstance(flow.state, StaffMenu) and flow.active
    assert flow.host.modes == ("customer", "staff")
    assert flow.on_scan(CARD) is True  # staff mode open: no stamp behind the counter
    assert len(memory_env.customer.calls) == 1
    flow.close()
    assert flow.state.screen == "card" and not flow.active  # the customer's, as it was left
    assert flow.host.modes == ("customer",)


def test_diagnostics_closes_staff_and_opens_the_technician(memory_env):
    env = memory_env
    tech = technician_mode("0" * 64, TechnicianDeps(run_doctor=lambda: SimpleNamespace(checks=())))
    staff = staff_mode(env.api, env.printer, env.settings, env.log, diagnostics=True)
    flow = staff_host(env.settings, staff, env.clock, tech)
    flow.begin_unlock("et")
    for d in PIN:
        flow.send(si.PinDigit(digit=d))
    flow.send(si.PinOk())
    assert "diagnostics" in flow.state.tools
    flow.send(si.Diagnostics())
    assert flow.host.modes == ("customer", "technician")  # staff ended: its token is gone
    assert flow.model.session is None
    assert flow.state.screen == "technician" and flow.state.page == "pin"
    assert flow.state.lang == "et"  # the technician speaks what staff spoke


def test_without_a_technician_there_is_no_diagnostics(memory_env):
    flow = memory_env.flow
    flow.begin_unlock()
    for d in PIN:
        flow.send(si.PinDigit(digit=d))
    flow.send(si.PinOk())
    assert "diagnostics" not in flow.state.tools
    flow.send(si.Diagnostics())  # a forged touch: refused
    assert flow.host.modes == ("customer", "staff") and isinstance(flow.state, StaffMenu)


def test_the_gesture_opens_staff_in_the_customers_language(memory_env):
    flow = memory_env.flow
    flow.begin_unlock("et")
    assert flow.state == StaffPin(lang="et")


def test_a_pin_of_another_shop_does_not_open_this_kiosk(shared_refserver, tmp_path, tcp_printer):
    env = build_server_env(shared_refserver, tmp_path, tcp_printer)
    other_pin, other_badge = add_staff(shared_refserver, ["*"], shop_id=shared_refserver.shop())
    env.login(other_pin)
    assert env.flow.state.screen == "staff_pin" and env.flow.model.session is None
    assert env.flow.state.message.key == "staff.pin.wrong"
    env.clock.advance(2)
    env.flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, other_badge))
    assert env.flow.model.session is None and not isinstance(env.flow.state, StaffMenu)


def test_the_technician_closes_back_to_the_customer(memory_env):
    """Diagnostics ended staff mode, so closing the technician shows the customer again."""
    env = memory_env
    tech = technician_mode("0" * 64, TechnicianDeps(run_doctor=lambda: SimpleNamespace(checks=())))
    staff = staff_mode(env.api, env.printer, env.settings, env.log, diagnostics=True)
    flow = staff_host(env.settings, staff, env.clock, tech)
    flow.begin_unlock()
    for d in PIN:
        flow.send(si.PinDigit(digit=d))
    flow.send(si.PinOk())
    flow.send(si.Diagnostics())
    assert flow.host.modes == ("customer", "technician")
    flow.send(ti.CloseScreen())
    assert flow.host.modes == ("customer",) and flow.state.screen == "attract"
    flow.begin_unlock()  # and staff opens afresh: the PIN pad, not the old session
    assert isinstance(flow.state, StaffPin)


def test_the_customers_idle_timeout_runs_under_staff_mode(memory_env):
    env, flow = memory_env, memory_env.flow
    flow.on_scan(CARD)
    assert flow.state.screen == "card"
    flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE))
    assert isinstance(flow.state, StaffMenu)
    for _ in range(5):  # staff keeps working: its own session stays alive
        env.clock.advance(10)
        flow.send(si.OpenTools())
        flow.send(si.Back())
        flow.tick()
    assert isinstance(flow.state, StaffMenu)
    assert flow.host.view_of("customer").screen == "attract"  # the visit below timed out
    flow.close()
    assert flow.state.screen == "attract"  # no stale card of the customer before


def test_a_late_answer_to_a_closed_staff_mode_is_dropped(memory_env, caplog):
    """A login still running when staff mode closes: its answer finds no mode, and a new
    staff mode opened meanwhile is not logged in by it."""
    caplog.set_level("INFO")
    env = memory_env
    held = HeldExecutor()
    staff = staff_mode(env.api, env.printer, env.settings, env.log)
    flow = staff_host(env.settings, staff, env.clock, executor=held)
    flow.begin_unlock()
    for d in PIN:
        flow.send(si.PinDigit(digit=d))
    flow.send(si.PinOk())  # the login is on the (held) pool
    flow.send(si.Exit())
    assert not flow.active
    flow.begin_unlock()  # staff again, a new opening
    held.release_all()
    assert isinstance(flow.state, StaffPin) and flow.model.session is None
    assert "dropping a late StaffLogin answer" in caplog.text
