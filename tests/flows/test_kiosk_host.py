"""The kiosk's host as the composition root builds it (kiosk_host): classify -> the mode on
top (customer at the base, staff opened by a badge); intents; ticks; the worker pool.

The customer flow runs on its real host here (its transitions are transcripts in
test_customer.py); these tests check the wiring: intents to the flow, effects to handlers,
late answers dropped, answers off the calling thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

from kiosk.cli._kiosk_parts import Mode, kiosk_host
from kiosk.config import Settings
from kiosk.flows.base import FakeClock, ViewState
from kiosk.flows.customer import (
    AttractState,
    BackInService,
    CardState,
    MessageState,
    OutOfService,
    OutOfServiceState,
    RedeemedState,
    VoucherOpenState,
    WorkingState,
)
from kiosk.flows.customer import intents as ci
from kiosk.flows.customer.intents import StaffGesture
from kiosk.flows.runtime import (
    CloseMode,
    Entered,
    Event,
    Handlers,
    Intent,
    Now,
    Scanned,
    Step,
    Wake,
)
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.scan_kinds import ScanKind
from kiosk.scan_router import classify
from tests.flows.customer_fakes import HeldExecutor, ScriptedServices, voucher

TOKEN = "tok_abcdefghijklmnop"


@dataclass(frozen=True)
class StaffHome(ViewState):
    screen: str = "staff_home"
    scans: int = 0


class StaffExit(Intent):
    pass


class FakeStaff:
    """A staff mode in a few lines: counts the scans it takes, closes on StaffExit."""

    name = "staff"

    def start(self, reason: Event | None, now: Now, last: StaffHome | None = None) -> Step:
        return Step(StaffHome())

    def step(self, model: StaffHome, event: Event, now: Now) -> Step:
        match event:
            case Entered() | Scanned():
                return Step(replace(model, scans=model.scans + 1))
            case StaffExit():
                return Step(model, (CloseMode(),))
            case _:
                return Step(model)

    def view(self, model: StaffHome) -> ViewState:
        return model

    def epoch(self, model: StaffHome) -> int:
        return 0


def make(staff=None, executor=None, clock=None):
    settings = Settings()
    services = ScriptedServices()
    modes = [Mode(staff, Handlers())] if staff is not None else []
    ctl = kiosk_host(
        settings,
        services,
        *modes,
        clock=clock or FakeClock(),
        executor=executor or InlineExecutor(),
    )
    seen: list = []
    ctl.subscribe(seen.append)
    return ctl, services, seen


def test_the_classifier_follows_the_architecture_table():
    s = Settings().scanner
    assert classify(f"https://shop.example/c/{TOKEN}", s).kind is ScanKind.CARD
    assert classify(TOKEN, s).value == TOKEN
    v = classify("https://shop.example/v/abcd1234", s)
    assert v.kind is ScanKind.VOUCHER and v.by_id
    assert classify("CAKE-1234", s).kind is ScanKind.VOUCHER
    assert classify("STAFF:7:secret", s).kind is ScanKind.STAFF_BADGE
    assert classify("hello world", s).kind is ScanKind.UNKNOWN
    assert classify("x" * 5000, s).kind is ScanKind.UNKNOWN


def test_card_scan_reaches_the_customer_flow_and_listeners():
    ctl, services, seen = make()
    ctl.scan_text(f"https://shop.example/c/{TOKEN}")
    assert services.calls == [("stamp", TOKEN)]
    assert isinstance(ctl.state, CardState)
    assert [s.screen for s in seen] == ["working", "card"]


def test_garbage_scan_is_a_calm_message_and_nothing_sent():
    ctl, services, _ = make()
    ctl.scan_text("\x00\x1b garbage")
    assert isinstance(ctl.state, MessageState) and services.calls == []


def test_staff_badge_goes_to_staff_and_its_state_wins():
    ctl, services, seen = make(FakeStaff())
    ctl.scan_text("STAFF:7:secret")
    assert ctl.modes == ("customer", "staff") and ctl.state.screen == "staff_home"
    assert seen[-1].screen == "staff_home"
    ctl.scan_text(TOKEN)  # while staff mode is open, scans are staff's
    assert ctl.state.scans == 2 and services.calls == []  # the badge (Entered) and the card
    ctl.send(StaffExit())
    assert isinstance(ctl.state, AttractState)
    ctl.scan_text(TOKEN)
    assert services.calls == [("stamp", TOKEN)]


def test_staff_badge_without_staff_mode_is_unknown_for_the_customer():
    ctl, services, _ = make(None)
    ctl.scan_text("STAFF:7:secret")
    assert isinstance(ctl.state, MessageState) and services.calls == []


def test_pool_runner_answers_off_the_calling_thread():
    settings = Settings()
    services = ScriptedServices()
    ctl = kiosk_host(settings, services)
    threads: list[str] = []
    got = threading.Event()

    def listener(state):
        threads.append(threading.current_thread().name)
        if state.screen == "card":
            got.set()

    ctl.subscribe(listener)
    t0 = time.monotonic()
    ctl.scan_text(TOKEN)
    assert got.wait(5), "card state never arrived"
    assert time.monotonic() - t0 < 5
    assert threads[0] == threading.current_thread().name  # working: at once, same thread
    assert threads[-1].startswith("kiosk-flow")
    ctl.shutdown()


def test_intents_reach_the_customer_flow_and_its_handlers():
    ctl, services, _ = make()
    services.vouchers["CAKE-1234"] = voucher()
    ctl.scan_text("CAKE-1234")
    assert isinstance(ctl.state, VoucherOpenState)
    ctl.send(ci.HoldRedeem(voucher_id="v1"))
    assert isinstance(ctl.state, RedeemedState)
    ctl.send(ci.PrintCoupon())
    assert ctl.state.print_status == "printed"
    ctl.send(ci.ChooseLanguage(lang="ko"))
    assert ctl.state.lang == "ko" and ctl.view_of("customer").lang == "ko"
    ctl.send(ci.GoHome())
    assert isinstance(ctl.state, AttractState)
    assert services.calls == [("voucher_by_code", "CAKE-1234"), ("redeem", "v1"), ("print", "v1")]


def test_the_hidden_gesture_without_staff_mode_is_ignored_quietly(caplog):
    caplog.set_level("INFO")
    ctl, services, seen = make(None)
    ctl.send(StaffGesture())
    assert isinstance(ctl.state, AttractState) and seen == [] and services.calls == []
    assert "no staff mode in this build" in caplog.text


def test_a_touch_that_changes_nothing_on_screen_publishes_nothing():
    ctl, _, seen = make()
    ctl.scan_text(TOKEN)
    before = len(seen)
    ctl.send(Wake())  # the app sends it with every touch: no redraw for it
    ctl.tick()
    assert len(seen) == before


def test_an_answer_after_the_idle_timeout_is_dropped():
    clock, held = FakeClock(), HeldExecutor()
    ctl, services, seen = make(executor=held, clock=clock)
    ctl.scan_text(TOKEN)
    assert isinstance(ctl.state, WorkingState)
    clock.advance(21)
    ctl.tick()
    assert isinstance(ctl.state, AttractState)
    held.release_all()
    assert services.calls == [("stamp", TOKEN)]
    assert isinstance(ctl.state, AttractState)
    assert not any(isinstance(s, CardState) for s in seen)


def test_out_of_service_and_back_through_the_host():
    ctl, services, _ = make()
    ctl.send(OutOfService("config: bad"))
    assert isinstance(ctl.state, OutOfServiceState) and ctl.state.reason == "config: bad"
    ctl.scan_text(TOKEN)
    assert services.calls == []
    ctl.send(BackInService())
    assert isinstance(ctl.state, AttractState)
