"""Staff intents: one frozen class per action the staff screens send today.

The staff screens send these objects (KioskScreen.send). Field values are taken as sent
(strings, numbers) and checked by the flow: a forged or stale touch is ignored, never an
error.
"""

from __future__ import annotations

from kiosk.flows.pin_pad import PinBack as PinBack
from kiosk.flows.pin_pad import PinClear as PinClear
from kiosk.flows.pin_pad import PinDigit as PinDigit
from kiosk.flows.pin_pad import PinEnter
from kiosk.flows.runtime import Intent
from kiosk.flows.runtime import Wake as Wake  # one Wake for every mode


class OpenStaff(Intent):
    """Why staff mode opened (the customer mode's OpenMode reason): the hidden gesture, or
    a staff badge (`badge`: its value, logged in at once). `lang` is the language the
    customer screen spoke: every staff page speaks it. `timeout_factor`: the customer's
    accessibility mode doubles every timeout, staff's inactivity timeout too (#17)."""

    lang: str = ""
    badge: str | None = None
    timeout_factor: float = 1.0


class Exit(Intent):
    """Exit: staff mode ends from any screen, even while a call runs."""


class Cancel(Intent):
    """Cancel on the PIN pad or the lockout countdown."""


class Back(Intent):
    """Back to the menu (form, issued page, tools)."""


# -- PIN pad --------------------------------------------------------------------------------


PinOk = PinEnter  # the staff pad labels its enter key OK


# -- menu and tools ---------------------------------------------------------------------------


class OpenIssue(Intent):
    """The menu's Issue voucher (also "New voucher" after one was issued)."""


class OpenTools(Intent):
    pass


class Diagnostics(Intent):
    """The technician screen behind the menu's (or the tools') Diagnostics button."""


class ReprintLast(Intent):
    pass


class PrinterStatus(Intent):
    pass


class TestPrint(Intent):
    pass


class PrintSummary(Intent):
    pass


# -- after issuing ----------------------------------------------------------------------------


class PrintIssued(Intent):
    """Print the customer voucher just issued (a free voucher prints by itself)."""


class RetryPrint(Intent):
    pass


class NewVoucher(Intent):
    pass
