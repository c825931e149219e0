"""The kiosk's own brake on staff login attempts, in front of the server's.

Why both: the server locks an account after repeated failures, but a kiosk in a public
place must also stop someone hammering the PIN pad even while offline or against many
accounts: a minimum gap between attempts, and after `max_failures` wrong PINs or badges a
lockout of `lockout_s` with a countdown. Time comes from the injected clock (monotonic),
so a wall-clock jump neither shortens nor extends it.
"""

from __future__ import annotations

import math

from kiosk.flows.base import Clock


class LoginGate:
    def __init__(
        self, clock: Clock, *, max_failures: int, lockout_s: float, min_gap_s: float
    ) -> None:
        self.clock = clock
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self.min_gap_s = min_gap_s
        self.failures = 0
        self._locked_until = 0.0
        self._last_attempt = -math.inf

    def seconds_locked(self) -> int:
        """Whole seconds until login opens again (0 = open); rounded up for the countdown."""
        left = self._locked_until - self.clock.monotonic()
        return math.ceil(left) if left > 0 else 0

    def gap_left(self) -> float:
        return max(0.0, self._last_attempt + self.min_gap_s - self.clock.monotonic())

    def attempt(self) -> None:
        self._last_attempt = self.clock.monotonic()

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.max_failures:
            self.lock_for(self.lockout_s)

    def lock_for(self, seconds: float) -> None:
        """Lock now (own count reached, or the server said so); the longer lock wins."""
        self._locked_until = max(self._locked_until, self.clock.monotonic() + seconds)
        self.failures = 0

    def tries_left(self) -> int:
        return self.max_failures - self.failures

    def succeeded(self) -> None:
        self.failures = 0
