"""Where the kiosk's parts bump the counters: small wrappers, so the flows and services
stay unaware of metrics (the composition root wraps what it wires)."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.metrics.registry import COUNTERS, Counters
from kiosk.outcomes import StampOutcome
from kiosk.scan_kinds import ClassifiedScan


def counting_scans(
    classify: Callable[[str], ClassifiedScan], counters: Counters = COUNTERS
) -> Callable[[str], ClassifiedScan]:
    """The host's classifier, counting each scan by its kind."""

    def classify_and_count(text: str) -> ClassifiedScan:
        scan = classify(text)
        counters.inc("stampkiosk_scans_total", kind=str(scan.kind.value))
        return scan

    return classify_and_count


def count_stamp(outcome: StampOutcome | None, counters: Counters = COUNTERS) -> None:
    """One stamp attempt by outcome; None: the stamp path raised ("error")."""
    kind = "error" if outcome is None else str(outcome.kind.value)
    counters.inc("stampkiosk_stamps_total", outcome=kind)
