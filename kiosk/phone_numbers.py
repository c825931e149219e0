"""Typed phone numbers: E.164 from the pad's digits, and the keyed hash that stands for it.

Why here (a leaf): the customer flow builds the number from the pad (pure), and the stamp
path hashes it with the shop's key; neither keeps it. The key comes from GET /device and
lives in memory only, so a stamp waiting in the outbox is a hash that is useless without
the cloud's key (docs/offline.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def e164(prefix: str, digits: str) -> str | None:
    """The full number from the configured country prefix ("+372") and the typed digits;
    a leading 0 of a national number is dropped. None when it cannot be E.164."""
    digits = "".join(ch for ch in digits if ch.isdigit())
    if digits.startswith("00"):
        number = "+" + digits[2:]  # typed with its own international prefix
    else:
        cc = "".join(ch for ch in prefix if ch.isdigit())
        number = f"+{cc}{digits.lstrip('0')}"
    return number if _E164.match(number) else None


def phone_hash(key_hex: str, number: str) -> str:
    """HMAC-SHA256 (hex) of the E.164 number under the shop's phone key."""
    return hmac.new(bytes.fromhex(key_hex), number.encode(), hashlib.sha256).hexdigest()
