"""KioskController: classify -> route to customer or staff; touches; ticks; the worker pool."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from kiosk.config import Settings
from kiosk.flows.base import FakeClock, ViewState
from kiosk.flows.controller import KioskController, fallback_classify
from kiosk.flows.customer import AttractState, CardState, MessageState, run_inline
from kiosk.scan_kinds import ScanKind
from tests.flows.customer_fakes import ScriptedServices

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


def make(staff=None):
    settings = Settings()
    services = ScriptedServices()
    ctl = KioskController(
        settings, services, clock=FakeClock(), staff_flow=staff, runner=run_inline
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
    assert threads[-1].startswith("kiosk-api")
    ctl.shutdown()
