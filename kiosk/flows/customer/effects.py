"""What the customer journey asks of the world; carried out by the handlers wired in
kiosk/cli/_customer_handlers.py. Each one may wait on the network or the printer.

The answers, as the flow reads them:
- Stamp         -> kiosk.outcomes.StampOutcome (the stamp path's own answer);
- LookUpVoucher -> kiosk.api.models.Voucher, or an error from kiosk.api.errors;
- Redeem        -> kiosk.outcomes.RedeemOutcome;
- PrintVoucher  -> PrintKind.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from kiosk.api.models import Voucher
from kiosk.flows.runtime import Effect


class Stamp(Effect):
    """Stamp the scanned card (the idempotency key is taken by the stamp path at once)."""

    token: str
    scanned_at: datetime


class LookUpVoucher(Effect):
    """A scanned coupon: by its redeem code, or by id (a voucher URL). One of the two."""

    code: str = ""
    voucher_id: str = ""


class Redeem(Effect):
    """Self-redeem a voucher; `at` is when the customer completed the hold."""

    voucher_id: str
    at: datetime


class PrintVoucher(Effect):
    """Print the redeemed voucher's coupon, in the customer's language."""

    voucher: Voucher
    lang: str


class PrintKind(StrEnum):
    PRINTED = "printed"
    UNCONFIRMED = "unconfirmed"  # sent, the printer never said it printed: maybe in the tray
    PAPER_OUT = "paper_out"
    FAILED = "failed"
