"""Transcript: drive one pure flow by hand (events in, models, views and effects out).

No host, no threads, no sleeps: time is a number the test moves, and an effect's answer is
whatever the test says it was. Every flow's tests read like the journey they check:

    t = Transcript(StaffFlow(settings))
    t.start()
    t.send(PinDigit("1"))
    [login] = t.effects_of(StaffLogin)
    t.answer(login, session)
    assert t.view.screen == "staff_menu"
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from kiosk.flows.runtime import Answered, Effect, Entered, Event, Flow, Now, Scanned, Ticked
from kiosk.scan_kinds import ClassifiedScan

F = TypeVar("F", bound=Effect)


class Transcript:
    def __init__(
        self, flow: Flow[Any], *, mono: float = 1000.0, wall: datetime | None = None
    ) -> None:
        self.flow = flow
        self.mono = mono
        self.wall = wall or datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
        self.model: Any = None
        self.effects: list[Effect] = []  # every effect so far, in order
        self.last: tuple[Effect, ...] = ()  # the effects of the latest step

    @property
    def now(self) -> Now:
        return Now(self.mono, self.wall)

    @property
    def view(self) -> Any:
        return self.flow.view(self.model)

    def start(self, reason: Event | None = None) -> tuple[Effect, ...]:
        model, effects = self.flow.start(reason, self.now)
        self._took(model, effects)
        if reason is not None:
            self.send(Entered(reason))
        return self.last

    def send(self, event: Event) -> tuple[Effect, ...]:
        model, effects = self.flow.step(self.model, event, self.now)
        return self._took(model, effects)

    def scan(self, scan: ClassifiedScan) -> tuple[Effect, ...]:
        return self.send(Scanned(scan, self.wall))

    def tick(self, seconds: float = 0.0) -> tuple[Effect, ...]:
        self.advance(seconds)
        return self.send(Ticked())

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)

    def answer(
        self, effect: Effect, result: object = None, error: BaseException | None = None
    ) -> tuple[Effect, ...]:
        return self.send(Answered(effect, result, error))

    def effects_of(self, kind: type[F]) -> list[F]:
        """The latest step's effects of one type (to answer them, or to check them)."""
        return [e for e in self.last if isinstance(e, kind)]

    def _took(self, model: Any, effects: tuple[Effect, ...]) -> tuple[Effect, ...]:
        self.model = model
        self.last = tuple(effects)
        self.effects.extend(effects)
        return self.last
