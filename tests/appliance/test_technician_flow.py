"""The technician flow: PIN (sha256 from config), lockout, doctor results, scans as decode tests."""

from __future__ import annotations

import hashlib

from kiosk.api.client import LoyaltyClient
from kiosk.appliance.doctor.base import DoctorContext
from kiosk.appliance.doctor.runner import run_checks
from kiosk.cli._staff_parts import build_staff
from kiosk.cli._technician_parts import TechnicianDeps, technician_face
from kiosk.config import Settings, load_settings
from kiosk.flows.base import FakeClock
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.flows.technician import LOCKOUT_S, WithTechnician
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.appliance.helpers import closed_port_url, write_config

PIN = "2468"
PIN_HASH = hashlib.sha256(PIN.encode()).hexdigest()


def real_doctor(tmp_path):
    cfg = write_config(tmp_path)
    ctx = DoctorContext(cfg, load_settings(cfg, environ={}))
    return lambda: run_checks(ctx, only=["config", "disk", "token", "line_scanner"])


def make(tmp_path, **deps):
    clock = FakeClock()
    calls = []
    flow = technician_face(
        PIN_HASH,
        TechnicianDeps(
            run_doctor=real_doctor(tmp_path),
            log_tail=lambda: ["INFO kiosk: ready", "WARNING kiosk.printer: paper out"],
            test_print=lambda: calls.append("print") or "test coupon printed",
            restart=lambda: calls.append("restart"),
            **deps,
        ),
        clock=clock,
        executor=InlineExecutor(),
        session_timeout_s=60,
    )
    return flow, clock, calls


def type_pin(flow, pin):
    for d in pin:
        flow.touch("tech_digit", digit=d)
    flow.touch("tech_enter")


def test_disabled_without_a_pin_hash(tmp_path):
    flow = technician_face("", TechnicianDeps(run_doctor=real_doctor(tmp_path)))
    assert flow.open() is False and not flow.active


def test_right_pin_shows_doctor_results_logs_and_version(tmp_path):
    flow, _, _ = make(tmp_path)
    assert flow.open() and flow.state.page == "pin"
    flow.touch("tech_digit", digit="2")
    assert flow.state.pin_length == 1  # the PIN itself is never in a published state
    flow.touch("tech_clear")
    type_pin(flow, PIN)
    s = flow.state
    assert s.page == "home" and not s.running
    names = {c.name: c for c in s.checks}
    assert names["config"].status == "green"
    assert names["token"].status == "red" and "provision" in names["token"].fix
    assert s.log_lines[-1] == "WARNING kiosk.printer: paper out"
    assert s.version


def test_three_wrong_pins_lock_then_unlock_after_the_time(tmp_path):
    flow, clock, _ = make(tmp_path)
    flow.open()
    type_pin(flow, "1111")
    assert flow.state.page == "pin" and flow.state.error == "wrong PIN"
    type_pin(flow, "2222")
    type_pin(flow, "3333")
    assert flow.state.page == "locked"
    type_pin(flow, PIN)  # ignored while locked
    assert flow.state.page == "locked"
    flow.close()
    flow.open()
    assert flow.state.page == "locked"  # closing and reopening does not reset the lock
    clock.advance(LOCKOUT_S + 1)
    flow.tick()
    assert not flow.active  # nobody touched it for longer than the session: it closed
    flow.open()
    assert flow.state.page == "pin"
    type_pin(flow, PIN)
    assert flow.state.page == "home"


def test_buttons_and_session_timeout(tmp_path):
    flow, clock, calls = make(tmp_path)
    flow.open()
    type_pin(flow, PIN)
    flow.touch("tech_test_print")
    assert flow.state.message == "test coupon printed"
    flow.touch("tech_restart")
    assert calls == ["print", "restart"]
    clock.advance(61)
    flow.tick()
    assert not flow.active and flow.state.page == "closed"


def test_a_failing_doctor_or_printer_is_a_message_not_a_crash(tmp_path):
    def boom():
        raise RuntimeError("printer on fire")

    flow = technician_face(
        PIN_HASH,
        TechnicianDeps(run_doctor=boom, test_print=boom),
        clock=FakeClock(),
        executor=InlineExecutor(),
    )
    flow.open()
    type_pin(flow, PIN)
    assert "doctor failed" in flow.state.message
    flow.touch("tech_test_print")
    assert flow.state.message == "test print failed: printer on fire"


def test_with_staff_flow_the_technician_takes_screen_scans_and_touches(tmp_path):
    tech, _, _ = make(tmp_path)
    staff = build_staff(
        LoyaltyClient(closed_port_url()), None, Settings(), open_diagnostics=tech.open
    )
    both = WithTechnician(staff, tech)
    seen = []
    both.subscribe(lambda s: seen.append(s.screen))
    assert not both.active
    tech.open()  # what StaffFlow calls for "diagnostics"
    assert both.active and both.state.screen == "technician"
    for d in PIN:
        both.touch("tech_digit", digit=d)
    both.touch("tech_enter")
    assert both.state.page == "home"
    card = ClassifiedScan(ScanKind.CARD, "AbCdEfGh12345678")
    assert both.on_scan(card) is True  # consumed: no stamp while the technician tests
    assert both.state.last_scan == "card: AbCd… (16 chars)"
    both.touch("tech_close")
    assert not both.active and both.state is staff.state
    assert "technician" in seen


def test_built_with_real_doctor_and_printer_emulator(tmp_path):
    from devices.printer.service import PrinterService
    from kiosk.cli._technician_parts import build_technician
    from tests.printer.emulator import TcpPrinter

    printer_emu = TcpPrinter()
    try:
        cfg = write_config(
            tmp_path,
            printer={"uri": printer_emu.uri, "timeout_s": 1.0},
            technician={"pin_sha256": PIN_HASH, "doctor_skip": ["display", "groups", "camera"]},
        )
        settings = load_settings(cfg, environ={})
        printer = PrinterService(settings.printer, tmp_path / "state")
        tech = build_technician(
            settings, config_path=cfg, printer=printer, clock=FakeClock(), executor=InlineExecutor()
        )
        tech.open()
        type_pin(tech, PIN)
        names = {c.name: c.status for c in tech.state.checks}
        assert names["printer"] == "green" and names["server"] == "red"
        assert "display" not in names  # the configured skip list applies here too
        tech.touch("tech_test_print")
        assert tech.state.message == "test coupon printed"
        assert len(printer_emu.jobs()) == 1  # real ESC/POS bytes reached the "printer"
    finally:
        printer_emu.close()


def test_plugs_into_the_real_kiosk_controller_unchanged(tmp_path):
    """KioskController(staff_flow=WithTechnician(...)): screen, touches and scans go to the
    technician while it is open, and back to the customer flow afterwards."""
    from kiosk.flows.controller import KioskController
    from kiosk.flows.runtime import Handlers

    tech, _, _ = make(tmp_path)
    client = LoyaltyClient(closed_port_url())
    staff = build_staff(client, None, Settings(), open_diagnostics=tech.open)
    controller = KioskController(
        Settings(),
        Handlers(),  # no handlers: nothing may reach the customer's API calls here
        staff_flow=WithTechnician(staff, tech),
    )
    customer_screen = controller.state.screen
    tech.open()
    assert controller.state.screen == "technician"
    for d in PIN:
        controller.touch("tech_digit", digit=d)
    controller.touch("tech_enter")
    assert controller.state.page == "home"
    controller.on_scan_text("https://shop.example/c/AbCdEfGh12345678")
    assert controller.state.last_scan.startswith("card: AbCd")
    controller.touch("tech_close")
    assert controller.state.screen == customer_screen
    controller.shutdown()
