"""The loyalty API: typed models, typed errors, and the HTTP client."""

from kiosk.api import errors
from kiosk.api.client import LoyaltyClient, new_idempotency_key
from kiosk.api.models import (
    Card,
    CardSummary,
    DeviceSettingsFromCloud,
    Milestone,
    Pairing,
    RedeemCode,
    StaffSession,
    StampResult,
    Voucher,
)

__all__ = [
    "Card",
    "CardSummary",
    "DeviceSettingsFromCloud",
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
