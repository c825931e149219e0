"""The PIN pad's keys: one set of intents for every pad (staff unlock, technician entry).

The staff and technician screens once declared their own `PinDigit`, `PinClear` and
enter key, and only the staff copy hid the digit from `repr`; a technician PIN in a log
line was one `logger.debug("%r", event)` away. One declaration keeps the secret masked on
every pad and lets a keypad widget serve both modes (the host routes an intent to the
mode on top of the stack, so both may share the classes).
"""

from __future__ import annotations

from kiosk.flows.runtime import Intent


class PinDigit(Intent):
    """One digit key. The digit is part of the secret, so `repr` never shows it."""

    digit: str = ""

    def __repr__(self) -> str:
        return "PinDigit(digit='*')"


class PinBack(Intent):
    """Erase the last digit."""


class PinClear(Intent):
    """Erase every digit."""


class PinEnter(Intent):
    """Try the PIN typed so far (the staff pad's OK, the technician pad's Enter)."""
