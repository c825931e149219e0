"""Backoff: grows, is capped, is jittered, never ignores the server's retry_after."""

from __future__ import annotations

import random

from kiosk.api import errors
from kiosk.backoff import Backoff, retry_after_of


def test_grows_exponentially_within_jitter_bounds_and_is_capped():
    b = Backoff(base_s=1.0, cap_s=60.0, rng=random.Random(1))
    for attempt, raw in [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (40, 60)]:
        for _ in range(50):
            d = b.delay(attempt)
            assert raw / 2 <= d <= raw


def test_jitter_spreads_a_herd():
    b = Backoff(base_s=1.0, cap_s=60.0, rng=random.Random(2))
    delays = {round(b.delay(5), 3) for _ in range(100)}
    assert len(delays) > 50


def test_retry_after_is_a_floor():
    b = Backoff(base_s=1.0, cap_s=60.0, rng=random.Random(3))
    assert all(b.delay(1, retry_after=30) >= 30 for _ in range(50))
    assert all(b.delay(1, retry_after=30) <= 31 for _ in range(50))


def test_retry_after_read_from_a_problem():
    exc = errors.error_from_problem(503, {"retry_after": 7})
    assert retry_after_of(exc) == 7.0
    assert retry_after_of(errors.Offline("x")) is None
    assert retry_after_of(errors.error_from_problem(503, {"retry_after": "soon"})) is None
