"""The technician screen's actions, one class each (the screens send these objects)."""

from __future__ import annotations

from dataclasses import field

from kiosk.flows.pin_pad import PinClear as PinClear
from kiosk.flows.pin_pad import PinDigit as PinDigit
from kiosk.flows.pin_pad import PinEnter as PinEnter
from kiosk.flows.runtime import Event, Intent
from kiosk.flows.runtime import Wake as Wake  # one Wake for every mode
from kiosk.flows.technician.model import Frame


class OpenScreen(Intent):
    """The hidden entry (staff menu's Diagnostics): the PIN pad, or the lockout page."""

    lang: str = "en"  # the staff screens' language, for the re-pair pages
    timeout_factor: float = 1.0  # staff's (the customer's accessibility mode doubles it)


class CloseScreen(Intent):
    """The close button (ignored while a code is exchanged or the restart is coming)."""


class RunChecks(Intent):
    """The "Run checks again" button: the doctor once more."""


class PrintTest(Intent):
    """The "Test print" button: one test coupon."""


class RestartApp(Intent):
    """The "Restart app" button."""


class StartRepair(Intent):
    """The "Pair with another shop" button: the outbox gate, then the confirm."""


class SendNow(Intent):
    """The "Send now" button (blocked page): the old shop's stamps, with the old token."""


class ConfirmRepair(Intent):
    """The explicit yes: only now does the kiosk wait for the new shop's code."""


class RetryRepair(Intent):
    """The "Scan again" button after a refused code."""


class CancelRepair(Intent):
    """Back / cancel on a re-pair page: nothing changed."""


class CameraReady(Event):
    """The camera started (after the first frame): its newest-frame handle for the preview."""

    frame: Frame | None = field(default=None, compare=False)
