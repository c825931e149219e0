"""The kiosk's own brake on staff login attempts, in front of the server's (pure values).

Why both: the server locks an account after repeated failures, but a kiosk in a public
place must also stop someone hammering the PIN pad even while offline or against many
accounts: a minimum gap between attempts, and after `max_failures` wrong PINs or badges a
lockout of `lockout_s` with a countdown. Time is the host's monotonic `now` (passed in),
so a wall-clock jump neither shortens nor extends it.

Why a success never lifts a lockout: `succeeded` only forgets the failures counted so far;
`locked_until` moves only forward (`lock_for` keeps the longer lock).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class GateRules:
    max_failures: int = 5
    lockout_s: float = 300.0
    min_gap_s: float = 2.0


@dataclass(frozen=True)
class Gate:
    """Failures counted, the end of the lockout and the last attempt (monotonic seconds)."""

    failures: int = 0
    locked_until: float = 0.0
    last_attempt: float = -math.inf

    def seconds_locked(self, now: float) -> int:
        """Whole seconds until login opens again (0 = open); rounded up for the countdown."""
        left = self.locked_until - now
        return math.ceil(left) if left > 0 else 0

    def gap_left(self, rules: GateRules, now: float) -> float:
        return max(0.0, self.last_attempt + rules.min_gap_s - now)

    def attempt(self, now: float) -> Gate:
        return replace(self, last_attempt=now)

    def failed(self, rules: GateRules, now: float) -> Gate:
        gate = replace(self, failures=self.failures + 1)
        return gate.lock_for(rules.lockout_s, now) if gate.failures >= rules.max_failures else gate

    def lock_for(self, seconds: float, now: float) -> Gate:
        """Lock now (own count reached, or the server said so); the longer lock wins."""
        return replace(self, locked_until=max(self.locked_until, now + seconds), failures=0)

    def tries_left(self, rules: GateRules) -> int:
        return rules.max_failures - self.failures

    def succeeded(self) -> Gate:
        """The failures are forgotten; a lockout in force stays (a success cannot end it)."""
        return replace(self, failures=0)
