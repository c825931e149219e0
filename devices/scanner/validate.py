"""Payload validation per symbology: a wrong read must never become a stamp.

Why: the decoders' own checks (Reed-Solomon for QR/Aztec/PDF417, mod-103 for Code128,
the EAN check digit) catch most errors, but retries on transformed images have produced
wrong PDF417 strings (FIELD-NOTES). So every read also passes these rules, and reads from
retry passes must be confirmed by a second, independent decode (see pipeline.py).
"""

from __future__ import annotations

from devices.scanner.text import strip_controls


def ean13_ok(text: str) -> bool:
    """13 digits with a correct check digit."""
    if len(text) != 13 or not text.isdigit():
        return False
    digits = [int(c) for c in text]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == digits[12]


def plausible(text: str, symbology: str, max_length: int) -> bool:
    """Rules every accepted read must pass, whatever decoder produced it."""
    if not text or len(text) > max_length or strip_controls(text) != text:
        return False
    if symbology == "ean13":
        return ean13_ok(text)
    if symbology == "code128":
        return text.isascii() and text.isprintable()
    return text.isprintable()
