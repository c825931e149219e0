"""When a downloaded update may be applied: inside [update] window, with nobody at the kiosk.

Why a marker file for "nobody": the update is applied by root (`kiosk update
--apply-pending`, from kiosk-update.timer), but only `kiosk run` knows whether a customer or
staff session is open. It keeps update/session-open present exactly while one is, written
only when that changes (not every frame).
"""

from __future__ import annotations

import contextlib
from datetime import datetime, time
from pathlib import Path

from kiosk.appliance.updates.trial import UPDATE_DIR

SESSION_FILE = "session-open"
IDLE_SCREENS = {"attract", "out_of_service", "pairing"}


def _hm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def in_window(window: str, now: datetime) -> bool:
    """True inside "HH:MM-HH:MM" (local time; may cross midnight); "" is always."""
    if not window:
        return True
    start_s, end_s = window.split("-")
    start, end, t = _hm(start_s), _hm(end_s), now.time()
    if start <= end:
        return start <= t < end
    return t >= start or t < end


def session_open(state_dir: Path) -> bool:
    return (state_dir / UPDATE_DIR / SESSION_FILE).exists()


class SessionMarker:
    """From `kiosk run`: told the open modes and screen on every publish; touches the disk
    only when "a session is open" flips."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / UPDATE_DIR / SESSION_FILE
        self.busy: bool | None = None

    def update(self, modes: tuple[str, ...], screen: str) -> None:
        busy = len(modes) > 1 or screen not in IDLE_SCREENS
        if busy == self.busy:
            return
        self.busy = busy
        with contextlib.suppress(OSError):
            if busy:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch()
            else:
                self.path.unlink(missing_ok=True)
