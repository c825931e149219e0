"""Scan classification for the hosts the composition root builds (kiosk, pairing).

kiosk.scan_router is the classifier; the fallback keeps the ARCHITECTURE section 4 rules
for a build without it (moved here from the old KioskController).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from kiosk.scan_kinds import ClassifiedScan, ScanKind


def fallback_classify(text: str, scanner: Any) -> ClassifiedScan:
    """The ARCHITECTURE section 4 rules, used only when kiosk.scan_router is absent."""
    text = (text or "").strip()
    if not text or len(text) > scanner.max_payload_length:
        return ClassifiedScan(ScanKind.UNKNOWN, reason="empty or too long")
    if text.startswith(scanner.staff_badge_prefix):
        return ClassifiedScan(ScanKind.STAFF_BADGE, text)
    if text.startswith(scanner.pairing_prefix):
        server, _, code = text[len(scanner.pairing_prefix) :].partition("#")
        return ClassifiedScan(ScanKind.PAIRING, code, server=server)
    if m := re.fullmatch(scanner.card_url_pattern, text):
        return ClassifiedScan(ScanKind.CARD, m.group("token"))
    if m := re.fullmatch(scanner.voucher_url_pattern, text):
        return ClassifiedScan(ScanKind.VOUCHER, m.group("voucher_id"), by_id=True)
    if re.fullmatch(scanner.redeem_code_pattern, text):
        return ClassifiedScan(ScanKind.VOUCHER, text)
    if re.fullmatch(scanner.card_token_pattern, text):
        return ClassifiedScan(ScanKind.CARD, text)
    return ClassifiedScan(ScanKind.UNKNOWN, reason="no pattern matched")


def load_classifier() -> Callable[[str, Any], ClassifiedScan]:
    try:
        return importlib.import_module("kiosk.scan_router").classify
    except (ImportError, AttributeError):
        return fallback_classify


def classifier_for(scanner: Any) -> Callable[[str], ClassifiedScan]:
    """The host's `classify`: text -> ClassifiedScan under these [scanner] settings."""
    classify = load_classifier()
    return lambda text: classify(text, scanner)
