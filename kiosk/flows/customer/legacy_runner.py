"""The old flows' runner idiom, kept only for the staff flow until it moves to the runtime.

Not used by the customer flow. kiosk/flows/staff.py, its tests and bench/staff_ui.py import
`Runner` and `run_inline` from kiosk.flows.customer, where they lived; delete this module
when nothing imports them any more (issue 14).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Done = Callable[[Any, BaseException | None], None]
Runner = Callable[[Callable[[], Any], Done], None]


def run_inline(job: Callable[[], Any], done: Done) -> None:
    """A Runner that runs the job at once in the caller's thread (tests, scripts)."""
    try:
        result = job()
    except Exception as exc:  # handed to the flow, which decides
        log.debug("job failed; handed to the flow", exc_info=True)
        done(None, exc)
        return
    done(result, None)
