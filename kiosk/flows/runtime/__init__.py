"""The one flow runtime: typed events in, pure `step` functions, typed effects out, one host.

Read in this order:
- events.py  - what a flow steps on: intents (UI actions), scans, ticks, effect answers;
- effects.py - what a flow asks of the world (carried out by handlers, never by the flow);
- flow.py    - the shape every flow has: `start`, `step(model, event, now)`, `view`, `epoch`;
- host.py    - the one host: mode stack, worker pool, clock, stale-answer guard, one view.

Why: flows used to own threads, locks, runners and generation counters, each its own way.
Now a flow is a pure function that tests drive as a transcript (events in, models and
effects out); the host is the only place that knows about threads, and it is tested once.
"""

from kiosk.flows.runtime.effects import CloseMode, Effect, OpenMode
from kiosk.flows.runtime.events import Answered, Entered, Event, Intent, Scanned, Ticked, Wake
from kiosk.flows.runtime.flow import Flow, Now, Step
from kiosk.flows.runtime.host import FlowHost, Handlers

__all__ = [
    "Answered",
    "CloseMode",
    "Effect",
    "Entered",
    "Event",
    "Flow",
    "FlowHost",
    "Handlers",
    "Intent",
    "Now",
    "OpenMode",
    "Scanned",
    "Step",
    "Ticked",
    "Wake",
]
