"""Retry timing for the outbox: exponential backoff with jitter, honouring `retry_after`.

Why jitter: after a shop's Wi-Fi comes back, every kiosk of the chain (and every queued
card lane of one kiosk) would otherwise retry at the same instant and knock the cloud
over again. Why honour `retry_after`: the server knows better than we do when it will
take the request (a 503 during a deploy, a cooldown); asking earlier only wastes a call.

Pure functions of (attempt, random source): tests pass a seeded `random.Random`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delay before retry number `attempt` (1 = first retry): base * 2^(attempt-1), capped.

    The delay is drawn uniformly from [delay/2, delay] ("equal jitter"): never zero (a
    hot loop against a dead server), never more than the cap.
    """

    base_s: float = 1.0
    cap_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        attempt = max(1, attempt)
        raw = min(self.cap_s, self.base_s * (2 ** min(attempt - 1, 30)))
        jittered = self.rng.uniform(raw / 2, raw)
        if retry_after is not None and retry_after > 0:
            # The server's word is a floor; a little jitter on top spreads the herd.
            return max(jittered, float(retry_after) + self.rng.uniform(0, min(1.0, raw / 2)))
        return jittered


def retry_after_of(exc: BaseException) -> float | None:
    """The server's `retry_after` seconds from a problem+json error, if it sent one."""
    problem = getattr(exc, "problem", None) or {}
    value = problem.get("retry_after") if isinstance(problem, dict) else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
