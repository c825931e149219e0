"""What the stamp path answers: the ONE vocabulary for stamps and redemptions.

Why a leaf module: the stamp path (kiosk.stamping) says what happened, and the customer
flow (kiosk.flows.customer) decides what the customer sees. Both import these types, so the
flow reads the stamp path's own answer, with no second enum and no bridge that matches
enum names as strings. Services import no flows (pyproject [tool.importlinter]), and this
module imports only the API's models and errors, so both sides may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.api import errors
from kiosk.api.models import Card, LotteryDraw, StampResult, Voucher


class StampKind(StrEnum):
    ADDED = "added"  # the cloud answered: the stamp is on the card
    SAVED_PENDING = "saved_pending"  # durably queued: "saved and will be added"
    COOLDOWN = "cooldown"  # the card was stamped moments ago (nothing added)
    DAILY_LIMIT = "daily_limit"  # the card has collected today's stamps (nothing added)
    CARD_NOT_FOUND = "card_not_found"  # the cloud does not know this card
    REJECTED = "rejected"  # another permanent "no" from the cloud (reason says which)
    NOT_SAVED = "not_saved"  # the disk refused: nothing saved, nothing sent
    INVALID = "invalid"  # not a card token: nothing saved, nothing sent


@dataclass(frozen=True)
class StampOutcome:
    """What the customer is told about one scan, with what the screen needs to show."""

    kind: StampKind
    key: str | None = None
    op_id: int | None = None
    result: StampResult | None = None
    card: Card | None = None  # ADDED: the updated card; SAVED_PENDING: last known (or None)
    unlocked: tuple[Voucher, ...] = ()
    pending: int = 0  # this card's stamps saved but not yet acknowledged (this one included)
    next_stamp_at: datetime | None = None
    reason: str | None = None  # SAVED_PENDING: offline|server_error|slow; NOT_SAVED: disk_full...
    card_as_of: datetime | None = None  # SAVED_PENDING: when the cloud last told us `card`
    lottery: LotteryDraw | None = None  # the server's draw to play (this stamp's, or a waiting one)

    @property
    def acknowledged(self) -> bool:
        """True when the customer was told their stamp is theirs (added or saved)."""
        return self.kind in (StampKind.ADDED, StampKind.SAVED_PENDING)


class RedeemKind(StrEnum):
    REDEEMED = "redeemed"  # the cloud confirmed
    REDEEMED_OFFLINE = "redeemed_offline"  # allowed by setting: queued, sent when back
    NEEDS_CLOUD = "needs_cloud"  # offline and offline redemption not allowed for this one
    ALREADY_REDEEMED = "already_redeemed"
    EXPIRED = "expired"
    NOT_SELF_REDEEMABLE = "not_self_redeemable"  # show it to staff
    NOT_FOUND = "not_found"
    NOT_SAVED = "not_saved"  # offline redemption allowed but the disk refused
    REJECTED = "rejected"


@dataclass(frozen=True)
class RedeemOutcome:
    """One self-redemption: REDEEMED / REDEEMED_OFFLINE carry the redeemed voucher."""

    kind: RedeemKind
    key: str
    voucher: Voucher | None = None
    reason: str | None = None


# The cloud's permanent "no" to a redemption, by error class (first match wins).
_REDEEM_REFUSALS: tuple[tuple[type[errors.ApiError], RedeemKind], ...] = (
    (errors.VoucherAlreadyRedeemed, RedeemKind.ALREADY_REDEEMED),
    (errors.VoucherExpired, RedeemKind.EXPIRED),
    (errors.VoucherNotSelfRedeemable, RedeemKind.NOT_SELF_REDEEMABLE),
    (errors.NotFound, RedeemKind.NOT_FOUND),
)


def redeem_refusal(exc: errors.ApiError) -> RedeemKind:
    """The kind of a permanent (not retryable) redemption error."""
    for cls, kind in _REDEEM_REFUSALS:
        if isinstance(exc, cls):
            return kind
    return RedeemKind.REJECTED
