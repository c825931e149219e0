"""What a scan can be (ARCHITECTURE section 4); the router in scan_router.py decides."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ScanKind(StrEnum):
    CARD = "card"  # wallet card: value = the card token
    VOUCHER = "voucher"  # redeem code or voucher URL: value = code, or voucher_id when by_id
    STAFF_BADGE = "staff_badge"  # value = the whole badge payload (sent to the server as-is)
    PAIRING = "pairing"  # value = pairing code, server = server URL
    UNKNOWN = "unknown"  # never leaves the device


@dataclass(frozen=True)
class ClassifiedScan:
    kind: ScanKind
    value: str = ""
    by_id: bool = False  # VOUCHER: value is a voucher id (from /v/<id>), not a redeem code
    server: str = ""  # PAIRING: the server URL from the payload
    reason: str = ""  # UNKNOWN: why (for logs; never shown raw to customers)
