"""What every flow shares: an injected clock (kiosk.clock) and publish/subscribe of
immutable states. Idle timeouts, cooldown messages and staff lockouts are all about time;
tests drive a FakeClock instead of sleeping."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from kiosk.clock import Clock, FakeClock, SystemClock

__all__ = ["Clock", "FakeClock", "StateMachine", "SystemClock", "ViewState"]


@dataclass(frozen=True)
class ViewState:
    """Base of every published state. `screen` names the UI screen that renders it."""

    screen: str


S = TypeVar("S", bound=ViewState)
Listener = Callable[[S], None]


class StateMachine(Generic[S]):
    """Holds the current state; publishing is thread-safe and ordered.

    Listeners are called in the publishing thread; the UI hops to its own thread with
    Kivy's Clock (kiosk.ui), so flows stay free of any toolkit.
    """

    def __init__(self, initial: S, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self._state = initial
        self._lock = threading.RLock()
        self._listeners: list[Listener[S]] = []

    @property
    def state(self) -> S:
        return self._state

    def subscribe(self, listener: Listener[S]) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, state: S) -> None:
        with self._lock:
            self._state = state
            listeners = list(self._listeners)
            for listener in listeners:
                listener(state)
