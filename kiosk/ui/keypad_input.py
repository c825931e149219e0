"""The window's keys, in order: the repeat / double-strike filter (kiosk/ui/keys.py), the
staff key, then the focus ring (kiosk/ui/focus.py).

The staff key is the hidden corner's twin: holding the keypad's "." (Del) for as long as the
corner must be held opens the staff PIN pad, so a staff member who works by keys alone (or
a kiosk whose screen does not take touches) reaches every staff action: PIN pad, menu,
voucher form, print. It is hidden like the corner (nothing on screen says it), it is off
with `[ui] staff_gesture = "none"`, and it is not a key of the focus ring, so it never
opens the customer's accessibility mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock

from kiosk.ui.keys import STAFF_KEYS, KeyFilter, KeyRules

KeyHandler = Callable[[Any, int, int, str | None, list[str]], bool]


class KeypadInput:
    """Bound to the window's on_key_down / on_key_up by the app."""

    def __init__(
        self,
        on_key: KeyHandler,
        staff_gesture: Callable[[], None] | None,
        hold_s: float,
        rules: KeyRules | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.on_key = on_key
        self.staff_gesture = staff_gesture  # None: no staff key
        self.hold_s = hold_s
        self.filter = KeyFilter(rules or KeyRules())
        self.clock = clock
        self._staff_ev: Any = None
        self._staff_held = False

    def key_down(
        self, window: Any, key: int, scancode: int, codepoint: str | None, modifiers: list[str]
    ) -> bool:
        if key in STAFF_KEYS and self.staff_gesture is not None:
            self._staff_down(key)
            return True
        if not self.filter.down(key, self.clock()):
            return True  # a repeat or a double strike: swallowed, nobody else sees it
        return self.on_key(window, key, scancode, codepoint, modifiers)

    def key_up(self, _window: Any, key: int, *_rest: Any) -> bool:
        self.filter.up(key, self.clock())
        if key in STAFF_KEYS:
            self._staff_held = False
            if self._staff_ev is not None:
                self._staff_ev.cancel()  # let go too early: nothing
                self._staff_ev = None
        return False

    def _staff_down(self, key: int) -> None:
        if self._staff_held:
            return  # the OS repeating the held key: one hold, one gesture
        self._staff_held = True
        gesture = self.staff_gesture
        assert gesture is not None

        def fire(_dt: float) -> None:
            self._staff_ev = None
            gesture()

        self._staff_ev = Clock.schedule_once(fire, self.hold_s)
