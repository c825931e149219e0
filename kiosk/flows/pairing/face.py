"""PairingFace: what `kiosk run` and KioskApp drive for an unpaired kiosk, on a FlowHost.

The host's base mode is the pure PairingFlow; this adds the few things `kiosk run` asks
of an unpaired kiosk besides the host's own `state/subscribe/send/tick`: the scanner's
callback, the out-of-service reason, the restart hook (App.stop, known only once the app
exists) and the pairing's result. Pairing is a separate program state (kiosk/cli/run.py),
so it keeps its own one-mode host.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.flows.base import ViewState
from kiosk.flows.pairing.effects import PairResult
from kiosk.flows.pairing.intents import NotServing
from kiosk.flows.runtime.events import Event
from kiosk.flows.runtime.host import FlowHost


@dataclass
class Outcome:
    """What the handlers did that `kiosk run` asks about afterwards (it prints "paired
    with X"): written by the exchange's and the restart's handlers, read after the app."""

    result: PairResult | None = None
    restart_requested: bool = False


class PairingFace:
    """An unpaired kiosk: a one-mode host plus the app's hooks."""

    def __init__(self, host: FlowHost, outcome: Outcome | None = None) -> None:
        self.host = host
        self.outcome = outcome or Outcome()
        self.on_restart: Callable[[], None] | None = None  # App.stop, set by `kiosk run`

    @property
    def state(self) -> ViewState:
        return self.host.state

    def subscribe(self, listener: Callable[[ViewState], None]) -> Callable[[], None]:
        return self.host.subscribe(listener)

    def send(self, event: Event) -> None:
        self.host.send(event)

    def tick(self) -> None:
        self.host.tick()

    def shutdown(self) -> None:
        self.host.shutdown()

    @property
    def result(self) -> PairResult | None:
        return self.outcome.result

    @property
    def restart_requested(self) -> bool:
        return self.outcome.restart_requested

    def on_scan_event(self, event: Any) -> None:
        """ScannerManager's callback (a camera thread)."""
        self.host.on_scan_event(event)

    def scan_text(self, text: str) -> None:
        self.host.scan_text(text)

    def out_of_service(self, reason: str) -> None:
        self.host.send(NotServing(reason))

    def restart(self) -> None:
        """The RestartKiosk handler: called from the UI tick, on Kivy's thread."""
        self.outcome.restart_requested = True
        if self.on_restart is not None:
            self.on_restart()
