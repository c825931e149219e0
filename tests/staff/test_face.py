"""StaffFace: the staff flow as KioskController's `staff_flow` (active, on_scan -> bool,
close, the gesture's language), with the real handlers on an inline host."""

from __future__ import annotations

import logging

from kiosk.cli._staff_parts import build_staff
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.flows.staff_states import StaffClosed, StaffMenu, StaffPin
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.staff.conftest import add_staff, build_server_env
from tests.staff.fakes import BADGE, PIN

CARD = ClassifiedScan(ScanKind.CARD, "tok-mari-0000000001")


def test_a_badge_is_staffs_a_card_is_the_customers_until_staff_is_open(memory_env):
    flow = memory_env.flow
    assert flow.on_scan(CARD) is False and not flow.active
    assert flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE)) is True
    assert isinstance(flow.state, StaffMenu) and flow.active
    assert flow.on_scan(CARD) is True  # staff mode open: no stamp behind the counter
    flow.close()
    assert flow.state == StaffClosed() and not flow.active


def test_diagnostics_calls_what_the_kiosk_gave(memory_env):
    env, opened = memory_env, []
    flow = build_staff(
        env.api,
        env.printer,
        env.settings,
        env.clock,
        env.log,
        open_diagnostics=lambda: opened.append("tech"),
        executor=InlineExecutor(),
    )
    flow.begin_unlock()
    for d in PIN:
        flow.touch("pin_digit", digit=d)
    flow.touch("pin_ok")
    flow.touch("diagnostics")
    assert opened == ["tech"] and not flow.active


def test_a_broken_language_source_is_logged_and_staff_still_opens(memory_env, caplog):
    flow = memory_env.flow

    def broken() -> str:
        raise RuntimeError("no customer screen")

    flow.lang_source = broken
    flow.begin_unlock()
    assert flow.state == StaffPin(lang="en")
    assert "language source failed" in caplog.text


def test_an_unknown_action_is_logged_as_an_error(memory_env, caplog):
    flow = memory_env.flow
    flow.begin_unlock()
    flow.touch("pin_digti", digit="1")
    assert flow.state == StaffPin()
    assert any(r.levelno == logging.ERROR and "pin_digti" in r.getMessage() for r in caplog.records)


def test_a_pin_of_another_shop_does_not_open_this_kiosk(shared_refserver, tmp_path, tcp_printer):
    env = build_server_env(shared_refserver, tmp_path, tcp_printer)
    other_pin, other_badge = add_staff(shared_refserver, ["*"], shop_id=shared_refserver.shop())
    env.login(other_pin)
    assert env.flow.state.screen == "staff_pin" and env.flow.model.session is None
    assert env.flow.state.message.key == "staff.pin.wrong"
    env.clock.advance(2)
    env.flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, other_badge))
    assert env.flow.model.session is None and not isinstance(env.flow.state, StaffMenu)
