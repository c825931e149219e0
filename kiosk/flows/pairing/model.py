"""What the pairing screen remembers: the view it shows, when it last changed, and why the
kiosk is not serving (the technician line under "show the code")."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.flows.base import ViewState
from kiosk.scan_kinds import ClassifiedScan

MESSAGE_S = 8.0  # a refusal stays this long, then the "show the code" words come back
RESTART_AFTER_S = 4.0  # "paired with X" stays this long before the kiosk restarts


class Phase:
    WAITING = "waiting"
    WORKING = "working"
    FAILED = "failed"
    PAIRED = "paired"


@dataclass(frozen=True)
class PairingState(ViewState):
    screen: str = "pairing"
    lang: str = "en"
    phase: str = Phase.WAITING
    message: str = ""  # i18n key (customer catalog) of the words under the title
    values: tuple[tuple[str, str], ...] = ()
    detail: str = ""  # for the technician (English, small): the reason and the fix

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


@dataclass(frozen=True)
class PairingModel:
    """`since`: when the phase last changed (monotonic), for the refusal and restart timers.
    `last_failed`: the refused QR, so the same code held up is not sent again every frame."""

    view: PairingState
    since: float = 0.0
    reason: str = ""  # why the kiosk is not serving (e.g. "not paired: ...")
    last_failed: ClassifiedScan | None = None
    restart_requested: bool = False
    epoch: int = 0
