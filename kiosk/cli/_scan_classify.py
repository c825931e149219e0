"""Scan classification for the hosts the composition root builds (kiosk, pairing).

kiosk.scan_router is the one classifier (ARCHITECTURE section 4); the host wants it as
text -> ClassifiedScan under this kiosk's [scanner] settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.scan_kinds import ClassifiedScan
from kiosk.scan_router import classify


def classifier_for(scanner: Any) -> Callable[[str], ClassifiedScan]:
    """The host's `classify`: text -> ClassifiedScan under these [scanner] settings."""
    return lambda text: classify(text, scanner)
