"""The shape every flow has. A flow is pure: no threads, no locks, no I/O, no clock reads.

Time is an input like the event: the host passes `Now` (monotonic seconds for timeouts,
wall time for what is recorded), so a transcript test just writes the times down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, NamedTuple, Protocol, TypeVar

from kiosk.flows.base import ViewState
from kiosk.flows.runtime.effects import Effect
from kiosk.flows.runtime.events import Event

M = TypeVar("M")


@dataclass(frozen=True)
class Now:
    """When an event is stepped: `mono` for timeouts, `wall` (aware, UTC) for records."""

    mono: float
    wall: datetime


class Step(NamedTuple, Generic[M]):
    """What `step` returns: the next model and the effects to carry out, in order."""

    model: M
    effects: tuple[Effect, ...] = ()


class Flow(Protocol[M]):
    """One mode of the kiosk (customer, staff, technician, pairing).

    `M` is the flow's model: a frozen dataclass holding everything it remembers, the view
    it shows included. `epoch` is the model's generation: an answer to an effect issued in
    an older epoch is stale (the customer left, the form was closed) and never arrives.
    """

    name: str

    def start(self, reason: Event | None, now: Now, last: M | None = None) -> Step[M]:
        """The model when the mode is opened (and what it does at once).

        `last` is the model this mode had when it last closed (None the first time): what
        must outlive one visit, e.g. a PIN lockout, is carried over from it; the rest is
        started afresh."""
        ...

    def step(self, model: M, event: Event, now: Now) -> Step[M]:
        """The transition: never raises for an event it does not expect (it ignores it)."""
        ...

    def view(self, model: M) -> ViewState:
        """What the screens show for this model."""
        ...

    def epoch(self, model: M) -> int:
        """The model's generation (see the class docstring)."""
        ...
