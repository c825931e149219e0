"""The accessibility mode doubles EVERY timeout (#17), not only the customer's idle one:
the "Need more time?" lead, staff's inactivity timeout when staff opens over a visit in
the mode, and the technician's session and re-pair wait handed on from that staff mode.
Transcripts: time is a number the test moves; the same on the kiosk's real host with a
FakeClock is in tests/staff/test_mode_access.py. No sleeps."""

from __future__ import annotations

from datetime import UTC

from kiosk.api.models import StaffSession
from kiosk.flows.customer import AttractState, CardState, CustomerFlow, CustomerSettings, Stamp
from kiosk.flows.customer.access import OpenAccessibility
from kiosk.flows.customer.intents import GoBack, StaffGesture
from kiosk.flows.runtime import CloseMode, OpenMode
from kiosk.flows.staff import StaffConfig, StaffFlow
from kiosk.flows.staff import intents as si
from kiosk.flows.staff.effects import StaffLogin
from kiosk.flows.staff_states import StaffClosed, StaffMenu, StaffPin
from kiosk.flows.technician import REPAIR_WAIT_S, TechnicianFlow, TechnicianSettings
from kiosk.flows.technician import intents as ti
from kiosk.outcomes import StampKind, StampOutcome
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.flows.customer_fakes import card
from tests.staff.fakes import PIN, TOKEN
from tests.support.transcript import Transcript

CARD = ClassifiedScan(ScanKind.CARD, "tok_abcdefghijklmnop")


def customer(mode: bool) -> Transcript:
    cfg = CustomerSettings(idle_timeout_s=20.0, idle_warning_s=5.0, staff_mode=True)
    t = Transcript(CustomerFlow(cfg, tz=UTC))
    t.start()
    if mode:
        t.send(OpenAccessibility())
        t.send(GoBack())  # "Start"
    return t


def test_need_more_time_comes_twice_as_early_in_the_mode():
    """Out of the mode: warned 5 s before 20 s. In it: 10 s before 40 s (time to answer)."""
    for mode, warned_at, home_at in ((False, 15.0, 20.0), (True, 30.0, 40.0)):
        t = customer(mode)
        [stamp] = [e for e in t.scan(CARD) if isinstance(e, Stamp)]
        t.answer(stamp, StampOutcome(StampKind.ADDED, card=card()))
        t.tick(warned_at - 0.5)
        assert isinstance(t.view, CardState) and not t.view.idle_warning
        t.tick(0.5)
        assert t.view.idle_warning, mode
        t.tick(home_at - warned_at - 0.5)
        assert isinstance(t.view, CardState)
        t.tick(0.5)
        assert isinstance(t.view, AttractState)


def test_staff_opened_over_a_visit_in_the_mode_gets_the_doubled_factor():
    assert customer(False).send(StaffGesture()) == (OpenMode("staff", si.OpenStaff(lang="en")),)
    [opened] = customer(True).send(StaffGesture())
    assert opened == OpenMode("staff", si.OpenStaff(lang="en", timeout_factor=2.0))


def staff(factor: float, **config) -> Transcript:
    shop = {"shop_name": "Kohvik", "images": ("cake.png",)}  # known: no FetchShop to answer
    t = Transcript(StaffFlow(StaffConfig(session_timeout_s=60.0, **shop, **config)))
    t.start(si.OpenStaff(lang="en", timeout_factor=factor))
    return t


def test_staffs_inactivity_timeout_doubles_on_the_pin_pad_and_the_menu():
    for factor, closes_at in ((1.0, 60.0), (2.0, 120.0)):
        t = staff(factor)
        assert isinstance(t.view, StaffPin)
        t.tick(closes_at - 1)
        assert isinstance(t.view, StaffPin), factor
        assert t.tick(1) == (CloseMode(),)
        t = staff(factor)
        for d in PIN:
            t.send(si.PinDigit(d))
        [login] = [e for e in t.send(si.PinOk()) if isinstance(e, StaffLogin)]
        t.answer(login, StaffSession(TOKEN, "7", "Anna", ("*",), None))
        assert isinstance(t.view, StaffMenu) and t.view.timeout_s == int(closes_at)
        t.tick(closes_at - 1)
        assert isinstance(t.view, StaffMenu)
        t.tick(1)
        assert t.view == StaffClosed()


def test_a_forged_factor_never_shortens_staffs_timeout():
    t = staff(0.01)
    t.tick(59)
    assert isinstance(t.view, StaffPin)


def test_diagnostics_hands_the_factor_to_the_technician():
    t = staff(2.0, diagnostics=True)
    for d in PIN:
        t.send(si.PinDigit(d))
    [login] = [e for e in t.send(si.PinOk()) if isinstance(e, StaffLogin)]
    t.answer(login, StaffSession(TOKEN, "7", "Anna", ("*",), None))
    opened = t.send(si.Diagnostics())[-1]
    assert opened == OpenMode("technician", ti.OpenScreen(lang="en", timeout_factor=2.0))


def technician(factor: float) -> Transcript:
    flow = TechnicianFlow(TechnicianSettings(pin_sha256="0" * 64, session_timeout_s=60))
    t = Transcript(flow)
    t.start(ti.OpenScreen(lang="et", timeout_factor=factor))
    return t


def test_the_technicians_session_doubles():
    for factor, closes_at in ((1.0, 60.0), (2.0, 120.0)):
        t = technician(factor)
        t.tick(closes_at)
        assert t.view.page == "pin", factor
        assert t.tick(1) == (CloseMode(),)


def test_the_repair_wait_doubles():
    """The "scan the new shop's code" wait: a countdown the technician must beat."""
    from kiosk.flows.technician.flow import _repair_page
    from kiosk.flows.technician.model import Page

    t = technician(2.0)
    waiting = _repair_page(t.model, Page.REPAIR_WAIT, "tech.repair.wait", "")
    assert waiting.view.wait_left_s == int(2 * REPAIR_WAIT_S)
