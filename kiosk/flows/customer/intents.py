"""What the customer's screens send: one intent per button or gesture.

The screens send these objects (KioskScreen.send); the app sends `Wake` for every touch and
`StaffGesture` for the hidden corner.
"""

from __future__ import annotations

from kiosk.flows.runtime import Intent
from kiosk.flows.runtime import Wake as Wake  # one Wake for every mode


class StaffGesture(Intent):
    """The hidden staff gesture (a long press in a corner): staff mode opens on top."""


class ChooseLanguage(Intent):
    """A flag on the attract screen."""

    lang: str


class GoHome(Intent):
    """ "Done": back to the attract screen, in the shop's language."""


class ShowVouchers(Intent):
    """ "My vouchers" on the card (or from a voucher of the card)."""


class OpenVoucher(Intent):
    """One voucher from the list, or "open" on the reward screen."""

    voucher_id: str


class HoldRedeem(Intent):
    """The deliberate hold gesture completed on an open voucher: redeem it now."""

    voucher_id: str


class PrintCoupon(Intent):
    """ "Print" on the redeemed screen."""


class GoBack(Intent):
    """ "Back" / "later" / "OK": one step back, or home where there is nothing behind."""
