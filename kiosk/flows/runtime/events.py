"""Events: everything a flow steps on, as frozen dataclasses.

Why typed: the UI used to send free strings with `**data`, and a typo was a debug line.
Now each UI action is its own class (`PinDigit("4")`, `OpenVoucher("v1")`), so pyright
catches a wrong name or a missing field, and a flow matches on types, not on strings.
Every subclass of `Event` is a frozen dataclass by inheritance (frozen.py): no decorator.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.flows.runtime.frozen import Frozen
from kiosk.scan_kinds import ClassifiedScan

if TYPE_CHECKING:
    from kiosk.flows.runtime.effects import Effect


class Event(Frozen):
    """Base of everything a flow's `step` receives."""


class Intent(Event):
    """A UI action: one subclass per button or gesture, sent by the screens."""


class Wake(Intent):
    """Any touch anywhere (the app sends it for every touch): activity for whichever mode
    is on top. One class for all modes, so the app need not know which one shows."""


class Scanned(Event):
    """A classified scan (camera, serial, HID or NFC), stamped with when it was read."""

    scan: ClassifiedScan
    at: datetime


class Ticked(Event):
    """The UI clock's heartbeat (a few times a second): timeouts, countdowns, blanking."""


class Entered(Event):
    """The host pushed this flow's mode; `reason` is the event that opened it, if any."""

    reason: Event | None = None


class Answered(Event):
    """An effect's handler finished: its result, or the error it raised.

    Delivered only to the mode that asked, and only while that mode's epoch is the one the
    effect was issued in (the host drops stale answers in one place).
    """

    effect: Effect
    result: object = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
