"""The technician flow: PIN (sha256 from config), lockout, doctor results, scans as decode tests."""

from __future__ import annotations

import hashlib

from kiosk.appliance.doctor.base import DoctorContext
from kiosk.appliance.doctor.runner import run_checks
from kiosk.cli._kiosk_parts import _technician
from kiosk.cli._technician_parts import TechnicianDeps, technician_mode
from kiosk.config import Settings, load_settings
from kiosk.flows.base import FakeClock
from kiosk.flows.technician import LOCKOUT_S
from kiosk.flows.technician import intents as ti
from tests.appliance.helpers import write_config
from tests.support.modes import technician_handle

PIN = "2468"
PIN_HASH = hashlib.sha256(PIN.encode()).hexdigest()


def real_doctor(tmp_path):
    cfg = write_config(tmp_path)
    ctx = DoctorContext(cfg, load_settings(cfg, environ={}))
    return lambda: run_checks(ctx, only=["config", "disk", "token", "line_scanner"])


def make(tmp_path, **deps):
    clock = FakeClock()
    calls = []
    mode = technician_mode(
        PIN_HASH,
        TechnicianDeps(
            run_doctor=real_doctor(tmp_path),
            log_tail=lambda: ["INFO kiosk: ready", "WARNING kiosk.printer: paper out"],
            test_print=lambda: calls.append("print") or "test coupon printed",
            restart=lambda: calls.append("restart"),
            **deps,
        ),
        session_timeout_s=60,
    )
    flow = technician_handle(mode, clock=clock)
    return flow, clock, calls


def type_pin(flow, pin):
    for d in pin:
        flow.send(ti.PinDigit(digit=d))
    flow.send(ti.PinEnter())


def test_disabled_without_a_pin_hash():
    """No [technician] pin_sha256: no technician mode (and so no Diagnostics in staff)."""
    assert _technician(Settings(), None, None) is None


def test_right_pin_shows_doctor_results_logs_and_version(tmp_path):
    flow, _, _ = make(tmp_path)
    flow.open()
    assert flow.state.page == "pin"
    flow.send(ti.PinDigit(digit="2"))
    assert flow.state.pin_length == 1  # the PIN itself is never in a published state
    flow.send(ti.PinClear())
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
    flow.send(ti.PrintTest())
    assert flow.state.message == "test coupon printed"
    flow.send(ti.RestartApp())
    assert calls == ["print", "restart"]
    clock.advance(61)
    flow.tick()
    assert not flow.active and flow.state.page == "closed"


def test_a_failing_doctor_or_printer_is_a_message_not_a_crash(tmp_path):
    def boom():
        raise RuntimeError("printer on fire")

    mode = technician_mode(PIN_HASH, TechnicianDeps(run_doctor=boom, test_print=boom))
    flow = technician_handle(mode, clock=FakeClock())
    flow.open()
    type_pin(flow, PIN)
    assert "doctor failed" in flow.state.message
    flow.send(ti.PrintTest())
    assert flow.state.message == "test print failed: printer on fire"


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
        tech = technician_handle(
            build_technician(settings, config_path=cfg, printer=printer), clock=FakeClock()
        )
        tech.open()
        type_pin(tech, PIN)
        names = {c.name: c.status for c in tech.state.checks}
        assert names["printer"] == "green" and names["server"] == "red"
        assert "display" not in names  # the configured skip list applies here too
        tech.send(ti.PrintTest())
        assert tech.state.message == "test coupon printed"
        assert len(printer_emu.jobs()) == 1  # real ESC/POS bytes reached the "printer"
    finally:
        printer_emu.close()
