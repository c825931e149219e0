"""The host, tested once with real threads: ordering, the stale-answer guard, the mode stack.

The flows themselves are tested as transcripts (tests/support/transcript.py) without it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import pytest

from kiosk.clock import FakeClock
from kiosk.flows.base import ViewState
from kiosk.flows.runtime import (
    Answered,
    CloseMode,
    Effect,
    Entered,
    Event,
    FlowHost,
    Handlers,
    Intent,
    Now,
    OpenMode,
    Scanned,
    Step,
    Ticked,
)
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.support.transcript import Transcript

# -- a toy flow: a counter that fetches a word and can open a "staff" mode -----------------


class Add(Intent):
    n: int = 1


class Forget(Intent):
    """Moves to a new epoch: answers to what was asked before must not arrive."""


class OpenStaff(Intent):
    pass


class Fetch(Effect):
    key: str = ""


@dataclass(frozen=True)
class Toy(ViewState):
    screen: str = "toy"
    count: int = 0
    word: str = ""
    ticks: int = 0
    epoch: int = 0
    entered_by: str = ""


class ToyFlow:
    def __init__(self, name: str = "toy") -> None:
        self.name = name

    def start(self, reason: Event | None, now: Now, last: Toy | None = None) -> Step[Toy]:
        return Step(Toy(screen=self.name))

    def step(self, model: Toy, event: Event, now: Now) -> Step[Toy]:
        if self.name == "staff" and isinstance(event, Add):
            return Step(model, (CloseMode(),))
        match event:
            case Add(n):
                return Step(replace(model, count=model.count + n), (Fetch(f"w{model.count + n}"),))
            case Forget():
                return Step(replace(model, epoch=model.epoch + 1, word=""))
            case OpenStaff():
                return Step(model, (OpenMode("staff", event),))
            case Answered(effect=Fetch(), result=str(word)):
                return Step(replace(model, word=word))
            case Answered(error=error) if error is not None:
                return Step(replace(model, word=f"error {type(error).__name__}"))
            case Ticked():
                return Step(replace(model, ticks=model.ticks + 1))
            case Scanned(scan) if scan.kind is ScanKind.STAFF_BADGE:
                return Step(model, (OpenMode("staff", event),))
            case Entered(reason):
                return Step(replace(model, entered_by=type(reason).__name__))
            case _:
                return Step(model)

    def view(self, model: Toy) -> ViewState:
        return model

    def epoch(self, model: Toy) -> int:
        return model.epoch


def inline_host(handlers: Handlers | None = None, **kw) -> FlowHost:
    handlers = handlers or Handlers().on(Fetch, lambda e: e.key.upper())
    return FlowHost(
        {"toy": ToyFlow(), "staff": ToyFlow("staff")},
        "toy",
        handlers,
        clock=FakeClock(),
        executor=InlineExecutor(),
        **kw,
    )


def test_an_intent_steps_the_flow_and_its_effect_answer_comes_back():
    host = inline_host()
    seen: list[ViewState] = []
    host.subscribe(seen.append)
    host.send(Add(2))
    assert host.state == Toy(count=2, word="W2")
    assert [s.word for s in seen] == ["", "W2"]  # published in order, once per change


def test_a_model_change_the_screen_does_not_show_is_not_published():
    """E.g. the customer's last-touch time: the model moves, the view does not, no redraw."""

    class TicksUnseen(ToyFlow):
        def view(self, model: Toy) -> ViewState:
            return replace(model, ticks=0)

    host = FlowHost(
        {"toy": TicksUnseen()}, "toy", Handlers(), clock=FakeClock(), executor=InlineExecutor()
    )
    seen: list[ViewState] = []
    host.subscribe(seen.append)
    host.tick()
    host.tick()
    assert seen == [] and host.view_of("toy") == Toy()
    host.send(Forget())
    assert [s.epoch for s in seen] == [1]


def test_a_handler_error_is_answered_to_the_flow_not_raised():
    def boom(effect: Fetch) -> str:
        raise TimeoutError("server slow")

    host = inline_host(Handlers().on(Fetch, boom))
    host.send(Add())
    assert host.state.word == "error TimeoutError"


def test_an_effect_without_a_handler_is_answered_as_an_error():
    host = inline_host(Handlers())
    host.send(Add())
    assert host.state.word == "error NoHandler"


def test_a_flow_bug_is_logged_and_the_model_kept(caplog):
    class Broken(ToyFlow):
        def step(self, model, event, now):
            raise RuntimeError("bug")

    host = FlowHost({"toy": Broken()}, "toy", Handlers(), executor=InlineExecutor())
    host.send(Add())
    assert host.state == Toy() and "toy flow failed on Add" in caplog.text


def test_modes_stack_route_and_close():
    host = inline_host()
    host.scan_text("BADGE")  # no classifier: UNKNOWN, the toy ignores it
    assert host.modes == ("toy",)
    host._classify = lambda text: ClassifiedScan(ScanKind.STAFF_BADGE, text)
    host.scan_text("STAFF-1")
    assert host.modes == ("toy", "staff")
    assert host.state.screen == "staff" and host.state.entered_by == "Scanned"
    host.tick()  # ticks reach every open mode
    assert host.view_of("toy").ticks == 1 and host.state.ticks == 1
    host.send(Add())  # intents go to the top mode only: the staff toy closes itself
    assert host.modes == ("toy",) and host.state.count == 0


def test_the_base_mode_cannot_close_and_unknown_modes_do_not_open(caplog):
    host = FlowHost({"toy": ToyFlow()}, "toy", Handlers(), executor=InlineExecutor())
    host.send(OpenStaff())
    assert host.modes == ("toy",) and "no staff mode" in caplog.text


def test_a_late_answer_from_an_older_epoch_is_dropped_with_real_threads():
    """The one stale-answer guard: the answer waits on a real worker until the flow moved on."""
    release = threading.Event()
    answered = threading.Event()

    def slow(effect: Fetch) -> str:
        release.wait(5)
        return "late"

    host = FlowHost({"toy": ToyFlow()}, "toy", Handlers().on(Fetch, slow), clock=FakeClock())
    try:
        host.subscribe(lambda s: answered.set() if s.word else None)
        host.send(Add())
        host.send(Forget())  # the customer left: a new epoch
        release.set()
        assert not answered.wait(0.5)
        assert host.state.word == "" and host.state.epoch == 1
        # and in the same epoch an answer does arrive, from the worker thread
        release.clear()
        host.send(Add())
        release.set()
        assert answered.wait(5) and host.state.word == "late"
    finally:
        host.shutdown()


class Lease(Effect):
    """Leaves something open in the world (like a staff login's token)."""

    def undo(self, result: object) -> Effect | None:
        return Release(str(result)) if result else None


class Release(Effect):
    answered = False
    what: str = ""


class LeaseFlow(ToyFlow):
    def step(self, model: Toy, event: Event, now: Now) -> Step[Toy]:
        if isinstance(event, Add):
            return Step(model, (Lease(),))
        return super().step(model, event, now)


def test_a_late_answer_that_left_something_open_is_undone_not_just_dropped():
    """A login answered after the customer left: the host carries out the effect's undo."""
    release = threading.Event()
    released: list[str] = []
    handlers = (
        Handlers()
        .on(Lease, lambda e: release.wait(5) and "token-1")
        .on(Release, lambda e: released.append(e.what))
    )
    host = FlowHost({"toy": LeaseFlow()}, "toy", handlers, clock=FakeClock())
    try:
        host.send(Add())
        host.send(Forget())  # moved on before the lease came back
        release.set()
        deadline = threading.Event()
        for _ in range(50):
            if released:
                break
            deadline.wait(0.1)
        assert released == ["token-1"]
        # an answer that arrives in time is the flow's to keep: nothing is undone
        released.clear()
        host.send(Add())
        deadline.wait(0.5)
        assert released == []
    finally:
        host.shutdown()


def test_events_from_many_threads_are_stepped_one_at_a_time():
    host = FlowHost({"toy": ToyFlow()}, "toy", Handlers().on(Fetch, str), clock=FakeClock())
    try:
        threads = [
            threading.Thread(target=lambda: [host.send(Add()) for _ in range(200)])
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert host.state.count == 800  # no lost update
    finally:
        host.shutdown()


def test_transcript_drives_a_flow_without_a_host():
    t = Transcript(ToyFlow())
    t.start()
    [fetch] = t.send(Add(4))
    assert fetch == Fetch("w4") and t.view.word == ""
    t.answer(fetch, "four")
    assert t.view.word == "four"


@pytest.mark.parametrize("event", [Ticked(), Forget()])
def test_the_toy_flow_ignores_nothing_it_should_not(event):
    t = Transcript(ToyFlow())
    t.start()
    t.send(event)
    assert t.effects == []
