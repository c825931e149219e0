"""What the technician screen shows (TechnicianView, rendered by kiosk/ui/screens/technician*)
and what the flow remembers besides (TechnicianModel: the typed PIN, the lockout, timers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk import __version__
from kiosk.flows.base import ViewState

SCREEN = "technician"
MAX_PIN = 12
MAX_FAILURES = 3
LOCKOUT_S = 120.0
REPAIR_WAIT_S = 90.0  # waiting for the new shop's QR ends by itself after this
RESTART_AFTER_S = 4.0  # "paired with X" stays this long, then the restart (as first pairing)

Frame = Callable[[], Any]  # -> the newest camera frame (BGR array) or None


class Page(StrEnum):
    """The technician screen's pages. A StrEnum: the screens compare `state.page` with the
    same strings as before ("home", "repair_wait"), and a typo in the flow is a type error."""

    CLOSED = "closed"
    PIN = "pin"
    LOCKED = "locked"
    HOME = "home"
    REPAIR_BLOCKED = "repair_blocked"
    REPAIR_CONFIRM = "repair_confirm"
    REPAIR_WAIT = "repair_wait"
    REPAIR_WORKING = "repair_working"
    REPAIR_FAILED = "repair_failed"
    REPAIR_PAIRED = "repair_paired"


REPAIR_PAGES: tuple[Page, ...] = tuple(p for p in Page if p.startswith("repair_"))


@dataclass(frozen=True)
class CheckLine:
    name: str
    status: str  # green / yellow / red
    message: str
    fix: str = ""


@dataclass(frozen=True)
class TechnicianView(ViewState):
    page: Page = Page.CLOSED
    pin_length: int = 0
    error: str = ""
    checks: tuple[CheckLine, ...] = ()
    running: bool = False
    version: str = __version__
    log_lines: tuple[str, ...] = ()
    last_scan: str = ""
    message: str = ""
    lang: str = "en"
    # re-pairing: available at all; the page's words (i18n key in the technician catalog,
    # its values), English detail for the technician, seconds left to scan, a job running
    can_repair: bool = False
    note: str = ""
    values: tuple[tuple[str, str], ...] = ()
    detail: str = ""
    wait_left_s: int = 0
    busy: bool = False
    # a handle to the live camera image (latest frame, BGR numpy array or None), not data:
    # the screen polls it a few times a second while open; excluded from equality
    preview: Frame | None = field(default=None, compare=False, repr=False)

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


@dataclass(frozen=True)
class TechnicianModel:
    """Everything the flow remembers. The typed PIN lives here, never in the view.

    `failures` and `locked_until` outlive closing the screen: reopening does not reset a
    lockout. Times are monotonic seconds (Now.mono).
    """

    view: TechnicianView = TechnicianView(SCREEN)
    pin: str = ""
    failures: int = 0
    locked_until: float = 0.0
    last_touch: float = 0.0
    wait_until: float = 0.0  # repair_wait ends by itself then
    paired_at: float = 0.0  # repair_paired: the restart follows RESTART_AFTER_S later
    restart_requested: bool = False
    camera: Frame | None = field(default=None, compare=False, repr=False)
    epoch: int = 0
    timeout_factor: float = 1.0  # 2 when staff came from a visit in the accessibility mode

    @property
    def page(self) -> Page:
        return self.view.page


def mask(value: str) -> str:
    """Enough of a payload to recognise it, never enough to reuse it."""
    return value if len(value) <= 4 else value[:4] + "…" + f" ({len(value)} chars)"
