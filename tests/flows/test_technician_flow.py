"""The technician flow as transcripts: intents and scans in, pages and effects out.

No host, no threads, no doctor: the test answers each effect itself. The same journeys
with the real doctor, re-pairer and reference server are in tests/appliance/.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from kiosk.api import errors
from kiosk.flows.runtime import Event
from kiosk.flows.technician import (
    LOCKOUT_S,
    MAX_PIN,
    REPAIR_WAIT_S,
    RESTART_AFTER_S,
    CheckOutbox,
    OutboxGate,
    Page,
    Preflight,
    RepairExchange,
    RestartKiosk,
    RunDoctor,
    SyncNow,
    TailLogs,
    TechnicianFlow,
    TechnicianSettings,
    TestPrint,
)
from kiosk.flows.technician import intents as i
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.support.transcript import Transcript

PIN = "2468"
CARD = ClassifiedScan(ScanKind.CARD, "AbCdEfGh12345678")
QR = ClassifiedScan(ScanKind.PAIRING, "CODE1234", server="https://b.example.com")


@dataclass
class Check:
    name: str
    status: str
    message: str = ""
    fix: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)


@dataclass
class Sync:
    sent: int
    remaining: int
    error: str | None = None


@dataclass
class Refused:
    message: str
    detail: str = "why"
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Paired:
    server_url: str = "https://b.example.com"
    location_name: str = "Kohvik Teine"


class Explained(Exception):
    """Like ProvisionError: the words for the technician, the API error as its cause."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


def opened(**settings) -> Transcript:
    settings.setdefault("can_test_print", True)
    settings.setdefault("can_restart", True)
    settings.setdefault("can_repair", True)
    flow = TechnicianFlow(
        TechnicianSettings(
            pin_sha256=hashlib.sha256(PIN.encode()).hexdigest(), session_timeout_s=60, **settings
        )
    )
    t = Transcript(flow)
    t.start()
    t.send(i.OpenScreen("et"))
    return t


def type_pin(t: Transcript, pin: str) -> tuple:
    for d in pin:
        t.send(i.PinDigit(d))
    return t.send(i.PinEnter())


def home(**settings) -> Transcript:
    t = opened(**settings)
    tail, doctor = type_pin(t, PIN)
    t.answer(tail, ["INFO ready"])
    t.answer(doctor, Report([Check("config", "green")]))
    return t


def answer_only(t: Transcript, kind: type, result: object = None, error=None) -> tuple:
    [effect] = t.effects_of(kind)
    return t.answer(effect, result, error)


def test_closed_until_opened_then_the_pin_pad():
    t = Transcript(TechnicianFlow(TechnicianSettings(pin_sha256="x")))
    t.start()
    assert t.view.page is Page.CLOSED and t.view.page == "closed"
    for event in (i.PinDigit("1"), i.StartRepair(), i.RestartApp()):
        assert t.send(event) == () and t.view.page == "closed"
    assert t.scan(CARD) == () and t.view.last_scan == ""
    t.send(i.OpenScreen("et"))
    assert (t.view.screen, t.view.page, t.view.lang) == ("technician", "pin", "et")


def test_right_pin_shows_home_and_runs_the_doctor_then_the_logs():
    t = opened()
    for d in "24x6":  # "x" is not a digit: ignored
        t.send(i.PinDigit(d))
    assert t.view.pin_length == 3 and "246" not in repr(t.view)  # the PIN is never shown
    t.send(i.PinClear())
    assert t.view.pin_length == 0
    effects = type_pin(t, PIN)
    assert effects == (TailLogs(), RunDoctor())
    assert (t.view.page, t.view.running, t.view.message) == ("home", True, "checking…")
    assert t.view.can_repair and t.view.lang == "et"
    t.answer(TailLogs(), ["INFO ready"])
    assert t.send(i.RunChecks()) == ()  # already running
    after = t.answer(RunDoctor(), Report([Check("token", "red", "not paired", "provision")]))
    assert after == (TailLogs(),)  # the log panel again, with what the doctor logged
    t.answer(TailLogs(), ["INFO ready", "WARNING paper out"])
    v = t.view
    assert not v.running and v.message == "" and v.checks[0].fix == "provision"
    assert v.log_lines == ("INFO ready", "WARNING paper out")
    assert t.send(i.RunChecks()) == (RunDoctor(),) and t.view.running


def test_the_pin_is_at_most_max_pin_digits():
    t = opened()
    for _ in range(MAX_PIN + 3):
        t.send(i.PinDigit("1"))
    assert t.view.pin_length == MAX_PIN


def test_three_wrong_pins_lock_and_nothing_but_time_unlocks():
    t = opened()
    type_pin(t, "1111")
    assert (t.view.page, t.view.error) == ("pin", "wrong PIN")
    type_pin(t, "2222")
    type_pin(t, "3333")
    assert t.view.page == "locked"
    locked_until = t.model.locked_until
    assert locked_until == t.mono + LOCKOUT_S
    assert type_pin(t, PIN) == () and t.view.page == "locked"  # the right PIN: ignored
    t.send(i.CloseScreen())
    t.send(i.OpenScreen())
    assert t.view.page == "locked"  # closing and reopening does not end the lock
    assert t.model.locked_until == locked_until  # nor does anything typed meanwhile
    for _ in range(int(LOCKOUT_S / 40) - 1):  # someone watches the lock page
        t.tick(40)
        t.send(i.Wake())
    assert t.view.page == "locked"
    t.tick(LOCKOUT_S - 40 * (int(LOCKOUT_S / 40) - 1))
    assert t.view.page == "pin"
    assert len(type_pin(t, PIN)) == 2 and t.view.page == "home"


def test_a_success_clears_the_count_of_wrong_pins_as_before():
    """Two wrong, then right: the next visit starts from zero (today's rule); the lock
    itself only ever ends by time (above)."""
    t = opened()
    type_pin(t, "1111")
    type_pin(t, "2222")
    type_pin(t, PIN)
    assert t.view.page == "home" and t.model.failures == 0
    t.send(i.CloseScreen())
    t.send(i.OpenScreen())
    type_pin(t, "1111")
    type_pin(t, "2222")
    assert t.view.page == "pin"


def test_the_session_closes_when_nobody_touches_it():
    t = home()
    t.tick(59)
    t.send(i.Wake())  # any touch on the screen keeps it open
    t.tick(59)
    assert t.view.page == "home"
    t.tick(2)
    assert t.view.page == "closed" and t.view.lang == "et"


def test_buttons_ask_for_their_effect_and_show_the_answer():
    t = home()
    assert t.send(i.PrintTest()) == (TestPrint(),)
    assert t.view.message == "printing a test coupon…"
    t.answer(TestPrint(), "test coupon printed")
    assert t.view.message == "test coupon printed"
    t.send(i.PrintTest())
    t.answer(TestPrint(), error=RuntimeError("printer on fire"))
    assert t.view.message == "test print failed: printer on fire"
    assert t.send(i.RestartApp()) == (RestartKiosk(),)


def test_unwired_buttons_do_nothing():
    t = home(can_test_print=False, can_restart=False, can_repair=False)
    assert not t.view.can_repair
    for intent in (i.PrintTest(), i.RestartApp(), i.StartRepair()):
        assert t.send(intent) == ()


def test_a_failing_doctor_is_a_message_and_a_late_one_is_dropped():
    t = opened()
    type_pin(t, PIN)
    t.answer(RunDoctor(), error=RuntimeError("boom"))
    assert (t.view.running, t.view.message) == (False, "doctor failed: boom")
    t.send(i.RunChecks())
    before = t.flow.epoch(t.model)
    t.send(i.CloseScreen())
    assert t.flow.epoch(t.model) > before  # the host drops the running doctor's answer
    assert t.answer(RunDoctor(), Report()) == () and t.view.page == "closed"


def test_scans_are_decode_tests_shown_masked():
    t = home()
    t.scan(CARD)
    assert t.view.last_scan == "card: AbCd… (16 chars)"
    t.scan(ClassifiedScan(ScanKind.UNKNOWN, "abc"))
    assert t.view.last_scan == "unknown: abc"
    assert t.effects == [e for e in t.effects if not isinstance(e, Preflight)]  # never acted on


def to_wait(t: Transcript) -> None:
    assert t.send(i.StartRepair()) == (CheckOutbox(),)
    t.answer(CheckOutbox(), OutboxGate(0, "Cafe Mari"))
    assert (t.view.page, t.view.note, t.view.value("shop")) == (
        "repair_confirm",
        "tech.repair.confirm",
        "Cafe Mari",
    )
    assert t.send(i.ConfirmRepair()) == (CheckOutbox(then_wait=True),)  # counted again
    t.answer(CheckOutbox(then_wait=True), OutboxGate(0, "Cafe Mari"))
    assert (t.view.page, t.view.wait_left_s) == ("repair_wait", int(REPAIR_WAIT_S))


def test_repair_confirm_wait_exchange_then_one_restart():
    t = home()
    assert t.send(i.StartRepair()) == (CheckOutbox(),)
    assert t.scan(QR) == ()  # not confirmed yet: a pairing QR is only a decode test
    t.answer(CheckOutbox(), OutboxGate(0, "Cafe Mari"))
    assert t.scan(QR) == () and t.view.page == "repair_confirm"
    t.send(i.ConfirmRepair())
    t.answer(CheckOutbox(then_wait=True), OutboxGate(0, "Cafe Mari"))
    t.scan(CARD)  # a customer's card while waiting: shown as ignored, nothing else
    assert t.view.value("ignored") == "card: AbCd… (16 chars)" and t.last == ()
    assert t.scan(QR) == (Preflight(QR),)
    [exchange] = t.answer(Preflight(QR), None)
    assert exchange == RepairExchange(QR, t.wall)
    assert (t.view.page, t.view.detail) == ("repair_working", "pairing with https://b.example.com")
    t.send(i.CloseScreen())
    assert t.view.page == "repair_working"  # a code on its way: never half-closed
    t.tick(600)  # the exchange has its own timeouts
    assert t.view.page == "repair_working"
    t.answer(exchange, Paired())
    assert (t.view.page, t.view.value("shop")) == ("repair_paired", "Kohvik Teine")
    t.send(i.CloseScreen())
    assert t.tick(RESTART_AFTER_S - 0.5) == () and t.view.page == "repair_paired"
    assert t.tick(0.5) == (RestartKiosk(after_pairing=True),)
    assert t.tick(1) == ()


def test_waiting_stamps_block_until_sent():
    t = home()
    t.send(i.StartRepair())
    t.answer(CheckOutbox(), OutboxGate(1, "Cafe Mari"))
    assert (t.view.page, t.view.note, t.view.value("count")) == (
        "repair_blocked",
        "tech.repair.blocked",
        "1",
    )
    assert t.send(i.ConfirmRepair()) == ()  # no way around the gate
    assert t.send(i.SendNow()) == (SyncNow(),) and t.view.busy
    assert t.send(i.SendNow()) == ()  # one at a time
    assert t.answer(SyncNow(), Sync(0, 1, "offline")) == (
        CheckOutbox("0 sent, 1 still waiting (offline)"),
    )
    t.answer(CheckOutbox("0 sent, 1 still waiting (offline)"), OutboxGate(1))
    assert t.view.page == "repair_blocked" and not t.view.busy
    t.send(i.SendNow())
    [gate] = t.answer(SyncNow(), error=OSError("disk"))
    assert gate.detail == "sending failed: disk"
    t.send(i.SendNow())
    [gate] = t.answer(SyncNow(), Sync(1, 0))
    t.answer(gate, OutboxGate(0, "Cafe Mari"))
    assert (t.view.page, t.view.detail) == ("repair_confirm", "1 sent, 0 still waiting")


def test_an_unreadable_outbox_blocks():
    t = home()
    t.send(i.StartRepair())
    t.answer(CheckOutbox(), error=OSError("file is not a database"))
    assert (t.view.page, t.view.note) == ("repair_blocked", "tech.repair.outbox_unreadable")
    assert t.view.detail == "file is not a database"


def test_refusals_and_failed_exchanges_keep_the_old_pairing():
    t = home()
    to_wait(t)
    t.scan(QR)
    t.answer(Preflight(QR), Refused("tech.repair.wrong_server", "kiosk provision"))
    assert (t.view.page, t.view.note) == ("repair_failed", "tech.repair.wrong_server")
    assert t.send(i.RetryRepair()) == (CheckOutbox(then_wait=True),)
    t.answer(CheckOutbox(then_wait=True), OutboxGate(0))
    t.scan(QR)
    t.answer(Preflight(QR), Refused("tech.repair.blocked", values={"count": "2"}))
    assert (t.view.page, t.view.value("count")) == ("repair_blocked", "2")
    t.send(i.CancelRepair())
    to_wait(t)
    t.scan(QR)
    [exchange] = t.answer(Preflight(QR), None)
    refused = Explained("the pairing code is not valid", "ask for a new code")
    refused.__cause__ = errors.PairingCodeInvalid("x")
    t.answer(exchange, error=refused)
    assert (t.view.page, t.view.note) == ("repair_failed", "tech.repair.invalid")
    assert "Fix: ask for a new code" in t.view.detail
    t.send(i.RetryRepair())
    t.answer(CheckOutbox(then_wait=True), OutboxGate(0))
    t.scan(QR)
    [exchange] = t.answer(Preflight(QR), None)
    t.answer(exchange, error=PermissionError("read-only"))
    assert t.view.note == "tech.repair.write_failed"


def test_cancel_and_timeout_go_home_and_change_nothing():
    t = home()
    t.send(i.StartRepair())
    t.answer(CheckOutbox(), OutboxGate(0, "Cafe Mari"))
    epoch = t.flow.epoch(t.model)
    assert t.send(i.CancelRepair()) == (TailLogs(), RunDoctor())
    assert (t.view.page, t.view.note) == ("home", "tech.repair.cancelled")
    assert t.flow.epoch(t.model) > epoch  # a running "Send now" answer is dropped
    to_wait(t)
    t.tick(61)  # longer than the session: the wait decides, not it
    assert (t.view.page, t.view.wait_left_s) == ("repair_wait", int(REPAIR_WAIT_S) - 61)
    assert t.tick(REPAIR_WAIT_S - 61) == (TailLogs(), RunDoctor())
    assert (t.view.page, t.view.note) == ("home", "tech.repair.timeout")
    assert t.scan(QR) == () and t.view.last_scan.startswith("pairing")  # too late


def test_the_camera_handle_reaches_home_and_the_wait_page():
    def frame() -> None:
        return None

    t = Transcript(TechnicianFlow(TechnicianSettings(pin_sha256=hashlib.sha256(b"1").hexdigest())))
    t.start()
    t.send(i.CameraReady(frame))
    t.send(i.OpenScreen())
    type_pin(t, "1")
    assert t.view.preview is frame


def test_unknown_events_change_nothing():
    t = home()
    before = t.model
    assert t.send(Event()) == () and t.model is before


def test_the_camera_is_asked_for_at_each_opening_and_may_be_none():
    """The scanner starts after the first frame: wired before it, the mode asks when opened."""
    frames: list[object] = []

    def frame() -> None:
        return None

    settings = TechnicianSettings(
        pin_sha256=hashlib.sha256(b"1").hexdigest(),
        camera_source=lambda: frames[0] if frames else None,
    )
    t = Transcript(TechnicianFlow(settings))
    t.start()
    t.send(i.OpenScreen())
    type_pin(t, "1")
    assert t.view.preview is None  # no camera: the screen shows its "no camera" words
    frames.append(frame)
    t.start()
    t.send(i.OpenScreen())
    type_pin(t, "1")
    assert t.view.preview is frame


def test_the_technician_pad_hides_its_digits_like_the_staff_pad() -> None:
    """One PIN pad declaration: a technician PIN in a debug line shows as '*' too."""
    from kiosk.flows.staff import intents as staff_intents

    assert repr(i.PinDigit("7")) == "PinDigit(digit='*')"
    assert i.PinDigit is staff_intents.PinDigit and staff_intents.PinOk is i.PinEnter
