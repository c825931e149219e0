"""Reconnect backoff shared by every source: 1 s, 2 s, 4 s ... capped, reset on success.

Why: a camera or scanner that is unplugged must neither spin the CPU retrying nor stay
dead after it is plugged back in; the status string tells the technician what happens.
"""

from __future__ import annotations


class Backoff:
    def __init__(self, first_s: float = 1.0, max_s: float = 30.0) -> None:
        self.first_s, self.max_s = first_s, max_s
        self._next = first_s

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self.max_s, self._next * 2)
        return delay

    def reset(self) -> None:
        self._next = self.first_s


def retry_status(delay: float) -> str:
    return f"retrying in {delay:g}s"
