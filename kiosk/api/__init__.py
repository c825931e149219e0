"""The loyalty API: typed models, typed errors, and the HTTP client."""

from typing import TYPE_CHECKING

from kiosk.api import errors
from kiosk.api.keys import new_idempotency_key
from kiosk.api.models import (
    Card,
    CardSummary,
    DeviceSettingsFromCloud,
    LotteryDraw,
    LotteryOutcome,
    Milestone,
    Pairing,
    RedeemCode,
    StaffSession,
    StampResult,
    Voucher,
)

if TYPE_CHECKING:
    from kiosk.api.client import LoyaltyClient


def __getattr__(name: str) -> object:
    """LoyaltyClient on first use: a flow that imports a model, an error or a key never
    loads requests (and the whole HTTP stack) at run time."""
    if name == "LoyaltyClient":
        from kiosk.api.client import LoyaltyClient

        return LoyaltyClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Card",
    "CardSummary",
    "DeviceSettingsFromCloud",
    "LotteryDraw",
    "LotteryOutcome",
    "LoyaltyClient",
    "Milestone",
    "Pairing",
    "RedeemCode",
    "StaffSession",
    "StampResult",
    "Voucher",
    "errors",
    "new_idempotency_key",
]
