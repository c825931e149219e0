"""Key repeat and double-strike acceptance for the keypad (EN 301 549 5.7 and 5.8), and the
staff key: the hidden corner's twin for a person who works the kiosk by keys alone.

Why here, between the window and the focus ring: SDL repeats a held key as more key-down
events with the operating system's delay and rate, which a customer with a tremor cannot
change, and a bounced press arrives as two. Kivy does not say which key-down is a repeat,
so this filter keeps which keys are down: a key-down of a key already down is a repeat.
Repeat is off by default (a held key is one press); when a shop turns it on, its delay and
rate are the shop's (`[accessibility]`), adjustable to 2 s and more as 5.7 asks. A second
press of the same key within `double_strike_s` of the last one is dropped (5.8: adjustable
to at least 0.5 s; another key in between is a new keystroke). Pure logic with the time passed in, so it is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.config import AccessibilitySection

KP_PERIOD, DELETE = 266, 127  # the keypad's "." ("Del" without NumLock)
STAFF_KEYS = frozenset({KP_PERIOD, DELETE})


@dataclass(frozen=True)
class KeyRules:
    """What the shop set in `[accessibility]` (the defaults: no repeat, no filter)."""

    key_repeat: bool = False
    repeat_delay_s: float = 1.0
    repeat_rate_s: float = 0.5
    double_strike_s: float = 0.0

    @classmethod
    def from_settings(cls, section: AccessibilitySection) -> KeyRules:
        return cls(
            key_repeat=section.key_repeat,
            repeat_delay_s=section.key_repeat_delay_s,
            repeat_rate_s=section.key_repeat_rate_s,
            double_strike_s=section.double_strike_s,
        )


@dataclass
class _Down:
    at: float  # when it went down
    passed_at: float | None  # when its last event was let through (None: swallowed)


@dataclass
class KeyFilter:
    """`down(key, now)` says whether a key-down reaches the focus ring; `up(key, now)`."""

    rules: KeyRules = KeyRules()
    _down: dict[int, _Down] = field(default_factory=dict)
    _last: tuple[int, float] | None = None  # the previous keystroke: key, when

    def down(self, key: int, now: float) -> bool:
        held = self._down.get(key)
        if held is not None:
            return self._repeat(held, now)
        last = self._last
        bounced = last is not None and last[0] == key and now - last[1] < self.rules.double_strike_s
        self._down[key] = _Down(at=now, passed_at=None if bounced else now)
        if bounced:
            return False  # the held (or bounced) key stays swallowed until it comes up
        self._last = (key, now)
        return True

    def up(self, key: int, _now: float) -> None:
        self._down.pop(key, None)

    def held_since(self, key: int) -> float | None:
        held = self._down.get(key)
        return held.at if held is not None else None

    def _repeat(self, held: _Down, now: float) -> bool:
        if not self.rules.key_repeat or held.passed_at is None:
            return False
        if now - held.at < self.rules.repeat_delay_s:
            return False
        first = held.passed_at == held.at  # no repeat passed yet: the delay counts
        if not first and now - held.passed_at < self.rules.repeat_rate_s:
            return False
        held.passed_at = now
        return True
