"""KioskController: classify -> route to customer or staff; touches; ticks; the worker pool.

The customer flow runs on its real host here (its transitions are transcripts in
test_customer.py); these tests check the wiring: strings to intents, effects to handlers,
late answers dropped, answers off the calling thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from kiosk.config import Settings
from kiosk.flows.base import FakeClock, ViewState
from kiosk.flows.controller import KioskController, fallback_classify
from kiosk.flows.customer import (
    AttractState,
    CardState,
    MessageState,
    OutOfServiceState,
    RedeemedState,
    VoucherOpenState,
    WorkingState,
)
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.scan_kinds import ScanKind
from tests.flows.customer_fakes import HeldExecutor, ScriptedServices, voucher

TOKEN = "tok_abcdefghijklmnop"


@dataclass(frozen=True)
class StaffHome(ViewState):
    screen: str = "staff_home"


class FakeStaff:
    """The StaffFlow interface (active, on_scan, touch, tick, state) in a few lines."""

    def __init__(self) -> None:
        self.active = False
        self.state = StaffHome()
        self.scans: list = []
        self.touches: list = []

    def on_scan(self, scan) -> bool:
        self.scans.append(scan)
        if scan.kind is ScanKind.STAFF_BADGE:
            self.active = True
            return True
        return self.active

    def touch(self, action, **data) -> None:
        self.touches.append(action)
        if action == "staff_exit":
            self.active = False

    def tick(self) -> None:
        pass


def make(staff=None, executor=None, clock=None):
    settings = Settings()
    services = ScriptedServices()
    ctl = KioskController(
        settings,
        services,
        clock=clock or FakeClock(),
        staff_flow=staff,
        executor=executor or InlineExecutor(),
    )
    seen: list = []
    ctl.subscribe(seen.append)
    return ctl, services, seen


def test_classifier_fallback_follows_the_architecture_table():
    s = Settings().scanner
    assert fallback_classify(f"https://shop.example/c/{TOKEN}", s).kind is ScanKind.CARD
    assert fallback_classify(TOKEN, s).value == TOKEN
    v = fallback_classify("https://shop.example/v/abcd1234", s)
    assert v.kind is ScanKind.VOUCHER and v.by_id
    assert fallback_classify("CAKE-1234", s).kind is ScanKind.VOUCHER
    assert fallback_classify("STAFF:7:secret", s).kind is ScanKind.STAFF_BADGE
    assert fallback_classify("hello world", s).kind is ScanKind.UNKNOWN
    assert fallback_classify("x" * 5000, s).kind is ScanKind.UNKNOWN


def test_card_scan_reaches_the_customer_flow_and_listeners():
    ctl, services, seen = make()
    ctl.on_scan_text(f"https://shop.example/c/{TOKEN}")
    assert services.calls == [("stamp", TOKEN)]
    assert isinstance(ctl.state, CardState)
    assert [s.screen for s in seen] == ["working", "card"]


def test_garbage_scan_is_a_calm_message_and_nothing_sent():
    ctl, services, _ = make()
    ctl.on_scan_text("\x00\x1b garbage")
    assert isinstance(ctl.state, MessageState) and services.calls == []


def test_staff_badge_goes_to_staff_and_its_state_wins():
    staff = FakeStaff()
    ctl, services, seen = make(staff)
    ctl.on_scan_text("STAFF:7:secret")
    assert staff.active and ctl.state.screen == "staff_home"
    assert seen[-1].screen == "staff_home"
    ctl.on_scan_text(TOKEN)  # while staff mode is open, scans are staff's
    assert len(staff.scans) == 2 and services.calls == []
    ctl.touch("staff_exit")
    assert isinstance(ctl.state, AttractState)
    ctl.on_scan_text(TOKEN)
    assert services.calls == [("stamp", TOKEN)]


def test_staff_badge_without_staff_mode_is_unknown_for_the_customer():
    ctl, services, _ = make(None)
    ctl.on_scan_text("STAFF:7:secret")
    assert isinstance(ctl.state, MessageState) and services.calls == []


def test_pool_runner_answers_off_the_calling_thread():
    settings = Settings()
    services = ScriptedServices()
    ctl = KioskController(settings, services)
    threads: list[str] = []
    got = threading.Event()

    def listener(state):
        threads.append(threading.current_thread().name)
        if state.screen == "card":
            got.set()

    ctl.subscribe(listener)
    t0 = time.monotonic()
    ctl.on_scan_text(TOKEN)
    assert got.wait(5), "card state never arrived"
    assert time.monotonic() - t0 < 5
    assert threads[0] == threading.current_thread().name  # working: at once, same thread
    assert threads[-1].startswith("kiosk-flow")
    ctl.shutdown()


def test_touch_strings_become_the_flow_s_intents():
    ctl, services, _ = make()
    services.vouchers["CAKE-1234"] = voucher()
    ctl.on_scan_text("CAKE-1234")
    assert isinstance(ctl.state, VoucherOpenState)
    ctl.touch("redeem", voucher_id="v1")
    assert isinstance(ctl.state, RedeemedState)
    ctl.touch("print")
    assert ctl.state.print_status == "printed"
    ctl.touch("language", lang="ko")
    assert ctl.state.lang == "ko" and ctl.customer.lang == "ko"
    ctl.touch("home")
    assert isinstance(ctl.state, AttractState)
    assert services.calls == [("voucher_by_code", "CAKE-1234"), ("redeem", "v1"), ("print", "v1")]


def test_an_unknown_action_is_an_error_line_not_a_silent_no(caplog):
    ctl, _, seen = make()
    ctl.touch("redeme", voucher_id="v1")
    assert "no intent for the action 'redeme'" in caplog.text and seen == []


def test_the_hidden_gesture_without_staff_mode_is_ignored_quietly(caplog):
    ctl, services, seen = make(None)
    ctl.touch("staff_unlock")
    assert isinstance(ctl.state, AttractState) and seen == [] and services.calls == []
    assert "no intent" not in caplog.text


def test_a_touch_that_changes_nothing_on_screen_publishes_nothing():
    ctl, _, seen = make()
    ctl.on_scan_text(TOKEN)
    before = len(seen)
    ctl.touch("wake")  # the app sends it with every touch: no redraw for it
    ctl.tick()
    assert len(seen) == before


def test_an_answer_after_the_idle_timeout_is_dropped():
    clock, held = FakeClock(), HeldExecutor()
    ctl, services, seen = make(executor=held, clock=clock)
    ctl.on_scan_text(TOKEN)
    assert isinstance(ctl.state, WorkingState)
    clock.advance(21)
    ctl.tick()
    assert isinstance(ctl.state, AttractState)
    held.release_all()
    assert services.calls == [("stamp", TOKEN)]
    assert isinstance(ctl.state, AttractState)
    assert not any(isinstance(s, CardState) for s in seen)


def test_out_of_service_and_back_through_the_controller():
    ctl, services, _ = make()
    ctl.out_of_service("config: bad")
    assert isinstance(ctl.state, OutOfServiceState) and ctl.state.reason == "config: bad"
    ctl.on_scan_text(TOKEN)
    assert services.calls == []
    ctl.customer.back_in_service()
    assert isinstance(ctl.state, AttractState)
