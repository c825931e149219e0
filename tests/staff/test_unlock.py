"""Unlock by gesture + PIN or badge, the local brake, lockout with countdown, timeouts."""

from __future__ import annotations

import logging

from kiosk.flows.customer import intents as ci
from kiosk.flows.customer.intents import StaffGesture
from kiosk.flows.runtime import Wake
from kiosk.flows.staff import intents as si
from kiosk.flows.staff_states import StaffClosed, StaffLocked, StaffMenu, StaffPin
from kiosk.i18n import tr
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.staff.fakes import BADGE, PIN, TOKEN


def test_closed_flow_ignores_touches_and_customer_scans(memory_env):
    flow = memory_env.flow
    assert not flow.active
    flow.send(si.OpenIssue())
    flow.send(si.PinDigit(digit="1"))
    assert flow.host.modes == ("customer",) and flow.state.screen == "attract"
    assert flow.on_scan(ClassifiedScan(ScanKind.CARD, "tok-mari-0000000001")) is False


def test_gesture_opens_pin_pad_which_shows_only_the_count(memory_env):
    flow = memory_env.flow
    flow.begin_unlock()
    assert flow.active and flow.state == StaffPin()
    for d in "246":
        flow.send(si.PinDigit(digit=d))
    assert flow.state.pin_length == 3
    assert "246" not in repr(flow.state)
    flow.send(si.PinBack())
    assert flow.state.pin_length == 2
    flow.send(si.PinDigit(digit="x"))  # not a digit: ignored
    assert flow.state.pin_length == 2


def test_right_pin_opens_the_menu_with_tools_from_permissions(memory_env):
    memory_env.login(PIN)
    state = memory_env.flow.state
    assert isinstance(state, StaffMenu)
    assert state.staff_name == "Anna"
    assert state.tools == (
        "issue_voucher",
        "reprint",
        "printer",
        "day_summary",
        "check_voucher",  # the barista tools (issue 15)
        "add_stamps",
    )
    # diagnostics hidden: no technician screen was given to the flow


def test_short_pin_is_refused_locally_in_words(memory_env):
    memory_env.login("12")
    state = memory_env.flow.state
    assert isinstance(state, StaffPin)
    assert tr(state.message.key, "en", **state.message.kwargs()) == "A PIN has at least 4 digits."


def test_badge_scan_opens_the_menu_and_the_scan_is_consumed(memory_env):
    flow = memory_env.flow
    assert flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE)) is True
    assert isinstance(flow.state, StaffMenu)
    # while staff mode is open, a customer card scan does not reach the customer flow
    assert flow.on_scan(ClassifiedScan(ScanKind.CARD, "tok-mari-0000000001")) is True


def test_wrong_pins_count_down_then_lock_with_a_countdown_that_expires(memory_env):
    env, flow = memory_env, memory_env.flow
    flow.begin_unlock()
    for i in range(4):
        env.pin("9999")
        assert isinstance(flow.state, StaffPin)
        assert flow.state.message.key == "staff.pin.wrong"
        assert flow.state.message.kwargs() == {"left": 4 - i}
        env.clock.advance(1.0)
    env.pin("9999")
    assert flow.state == StaffLocked(seconds_left=300)
    # even the right PIN or badge cannot get in now
    env.clock.advance(1.0)
    flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE))
    assert isinstance(flow.state, StaffLocked)
    flow.tick()
    assert flow.state.seconds_left == 299
    env.clock.advance(120)
    flow.send(Wake())  # staff is watching the countdown
    flow.tick()
    assert flow.state.seconds_left == 179
    env.clock.advance(179)
    flow.send(Wake())
    flow.tick()
    assert isinstance(flow.state, StaffPin)
    assert flow.state.message.key == "staff.pin.try_again"
    env.pin(PIN)
    assert isinstance(flow.state, StaffMenu)


def test_locked_screen_times_out_to_the_customer_but_lock_persists(memory_env):
    env, flow = memory_env, memory_env.flow
    flow.begin_unlock()
    for _ in range(5):
        env.pin("1111")
        env.clock.advance(1.5)
    assert isinstance(flow.state, StaffLocked)
    env.clock.advance(60)
    flow.tick()
    assert not flow.active and isinstance(flow.model.view, StaffClosed) and not flow.active
    flow.begin_unlock()  # the gesture again: still locked, the countdown shows
    assert isinstance(flow.state, StaffLocked)
    assert 0 < flow.state.seconds_left < 300


def test_attempts_too_fast_are_braked_locally_without_calling_the_server(memory_env):
    env, flow = memory_env, memory_env.flow
    calls = []
    real = env.api.staff_login
    env.api.staff_login = lambda **kw: (calls.append(1), real(**kw))[1]
    flow.begin_unlock()
    env.pin("9999")
    env.pin("9998")  # same instant: refused before any network call
    assert flow.state.message.key == "staff.pin.wait"
    assert len(calls) == 1
    env.clock.advance(1.0)
    env.pin(PIN)
    assert isinstance(flow.state, StaffMenu)


def test_inactivity_ends_the_session_and_forgets_the_token(memory_env):
    env, flow = memory_env, memory_env.flow
    seen = []
    flow.subscribe(seen.append)
    env.login(PIN)
    assert flow.model.session is not None
    env.clock.advance(59)
    flow.tick()
    assert flow.active
    flow.send(si.OpenIssue())
    env.clock.advance(59.9)
    flow.tick()
    assert flow.active
    env.clock.advance(0.2)
    flow.tick()
    assert not flow.active
    assert flow.model.view == StaffClosed() and not flow.active
    assert flow.model.session is None
    assert seen[-1].screen == "attract"  # the customer screen was published again
    # a closed flow refuses tools without a new login
    flow.send(si.OpenIssue())
    assert flow.model.view == StaffClosed() and not flow.active


def test_exit_ends_the_session_with_nothing_left(memory_env):
    env, flow = memory_env, memory_env.flow
    env.login(PIN)
    flow.send(si.OpenIssue())
    env.type("title", "Secret plan")
    flow.send(si.Exit())
    assert flow.model.view == StaffClosed() and not flow.active and flow.model.session is None
    env.clock.advance(1)
    env.login(PIN)
    flow.send(si.OpenIssue())
    assert flow.state.form.title == ""


def test_pin_pad_cancel_and_pin_pad_timeout_return_to_customer(memory_env):
    env, flow = memory_env, memory_env.flow
    flow.begin_unlock()
    flow.send(si.PinDigit(digit="2"))
    flow.send(si.Cancel())
    assert not flow.active
    flow.begin_unlock()
    assert flow.state.pin_length == 0  # the digit typed before is gone
    env.clock.advance(61)
    flow.tick()
    assert not flow.active


def test_no_pin_badge_or_token_in_logs(memory_env, caplog):
    caplog.set_level(logging.DEBUG)
    env, flow = memory_env, memory_env.flow
    flow.begin_unlock()
    env.pin("97531")
    env.clock.advance(2)
    env.pin(PIN)
    flow.send(si.Exit())
    flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE))
    flow.send(si.Exit())
    text = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "staff login refused" in text and "staff session started" in text
    for secret in (PIN, "97531", BADGE, "s3cr3t", TOKEN):
        assert secret not in text


def test_gesture_may_carry_the_customer_language(memory_env):
    flow = memory_env.flow
    flow.begin_unlock("ko")  # the customer chose Korean, then the gesture
    assert isinstance(flow.state, StaffPin) and flow.state.lang == "ko"
    flow.send(si.Cancel())
    assert flow.state.screen == "attract" and flow.state.lang == "ko"  # the customer's, as left
    flow.send(ci.GoHome())  # a new visit: the shop's language
    flow.send(StaffGesture())
    assert flow.state.lang == "en"
