"""The mode changes the flows emit themselves, as transcripts (the host carries them out;
tests/flows/test_kiosk_host.py and tests/staff/test_mode.py drive the real stack):
customer -> OpenMode("staff") on a badge or the gesture; staff opens on Entered(OpenStaff),
ends with CloseMode, hands over to the technician; the technician closes its mode."""

from __future__ import annotations

from datetime import UTC

from kiosk.flows.customer import CustomerFlow, CustomerSettings
from kiosk.flows.customer.intents import ChooseLanguage, StaffGesture
from kiosk.flows.runtime import CloseMode, OpenMode
from kiosk.flows.staff import StaffConfig, StaffFlow
from kiosk.flows.staff import intents as si
from kiosk.flows.staff.effects import StaffLogin
from kiosk.flows.staff.gate import Gate
from kiosk.flows.staff_states import StaffLocked, StaffPin
from kiosk.flows.technician import TechnicianFlow, TechnicianSettings
from kiosk.flows.technician import intents as ti
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.support.transcript import Transcript

BADGE = ClassifiedScan(ScanKind.STAFF_BADGE, "STAFF:7:secret")


def customer(staff_mode: bool = True) -> Transcript:
    t = Transcript(CustomerFlow(CustomerSettings(staff_mode=staff_mode), tz=UTC))
    t.start()
    return t


def test_a_badge_opens_staff_mode_with_the_badge_and_the_customers_language():
    t = customer()
    t.send(ChooseLanguage("ko"))
    assert t.scan(BADGE) == (OpenMode("staff", si.OpenStaff(lang="ko", badge=BADGE.value)),)
    assert t.view.screen == "attract"  # the customer's screen is left as it was


def test_the_gesture_opens_staff_mode_and_without_staff_mode_nothing_happens():
    assert customer().send(StaffGesture()) == (OpenMode("staff", si.OpenStaff(lang="en")),)
    t = customer(staff_mode=False)
    assert t.send(StaffGesture()) == ()
    t.scan(BADGE)
    assert t.view.screen == "message"  # an unknown code for a kiosk without staff mode


def test_staff_opens_on_entered_and_a_badge_logs_in_at_once():
    t = Transcript(StaffFlow(StaffConfig()))
    t.start(si.OpenStaff(lang="et"))
    assert t.view == StaffPin(lang="et")
    t = Transcript(StaffFlow(StaffConfig()))
    effects = t.start(si.OpenStaff(lang="en", badge="STAFF:7:secret"))
    assert effects == (StaffLogin(badge="STAFF:7:secret"),) and t.view.busy


def test_staff_cancel_closes_the_mode_and_a_lockout_outlives_it():
    flow = StaffFlow(StaffConfig())
    t = Transcript(flow)
    t.start(si.OpenStaff())
    assert t.send(si.Cancel()) == (CloseMode(),)
    locked = t.model.__class__(gate=Gate().lock_for(60, t.now.mono))
    again = Transcript(flow)
    again.model = flow.start(si.OpenStaff(), again.now, locked).model
    again.send(si.OpenStaff())
    assert isinstance(again.view, StaffLocked)  # reopening does not reset the lockout


def test_the_technician_opens_on_entered_and_its_close_closes_the_mode():
    t = Transcript(TechnicianFlow(TechnicianSettings(pin_sha256="0" * 64)))
    t.start(ti.OpenScreen(lang="ko"))
    assert t.view.page == "pin" and t.view.lang == "ko"
    assert t.send(ti.CloseScreen()) == (CloseMode(),)
