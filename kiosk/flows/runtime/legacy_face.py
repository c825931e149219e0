"""LegacyFace: a one-mode FlowHost wearing the old controller-facing interface.

Transitional (issue 14, step 4): while KioskController still routes between flows, a
migrated flow plugs in where the old flow object was. The face maps the screens' old
`touch(action, **data)` strings to typed intents through an explicit table, so an unknown
action is logged as an error (not a silent debug line). It goes away when the screens send
intent objects and the host's mode stack replaces the controller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.flows.base import ViewState
from kiosk.flows.runtime.events import Intent, Scanned
from kiosk.flows.runtime.host import FlowHost
from kiosk.scan_kinds import ClassifiedScan

log = logging.getLogger(__name__)

IntentTable = Mapping[str, Callable[..., Intent]]


class LegacyFace:
    """`state`, `subscribe`, `touch`, `on_scan`, `tick` of the old flow objects, on a host."""

    def __init__(self, host: FlowHost, intents: IntentTable) -> None:
        self.host = host
        self.intents = intents

    @property
    def state(self) -> ViewState:
        return self.host.state

    def subscribe(self, listener: Callable[[ViewState], None]) -> Callable[[], None]:
        return self.host.subscribe(listener)

    def touch(self, action: str, **data: Any) -> None:
        make = self.intents.get(action)
        if make is None:
            log.error("no intent for the action %r; a screen sends a name no flow knows", action)
            return
        try:
            intent = make(**data)
        except TypeError:
            log.exception("the action %r came with data its intent does not take", action)
            return
        self.host.send(intent)

    def on_scan(self, scan: ClassifiedScan) -> bool:
        self.host.send(Scanned(scan, self.host.clock.now()))
        return True

    def tick(self) -> None:
        self.host.tick()

    def shutdown(self) -> None:
        self.host.shutdown()
