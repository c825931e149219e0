"""What the technician flow asks of the world, and the shapes of the answers (Protocols of
kiosk.appliance.doctor and kiosk.appliance.repair). Carried out in kiosk/cli/_technician_parts.py.

Quick, local ones (the log tail, the outbox count, the preflight, the restart) are
`blocking = False`: they run right after the step, so the page moves at once, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol

from kiosk.flows.runtime import Effect
from kiosk.scan_kinds import ClassifiedScan


class DoctorCheck(Protocol):
    """One line of `kiosk doctor` (kiosk.appliance.doctor.base.CheckResult)."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def fix(self) -> str: ...


class DoctorReport(Protocol):
    @property
    def checks(self) -> Sequence[DoctorCheck]: ...


class Refusal(Protocol):
    """Why re-pairing cannot start (kiosk.appliance.repair.Refusal)."""

    @property
    def message(self) -> str: ...  # i18n key, technician catalog
    @property
    def detail(self) -> str: ...  # English, for the technician
    @property
    def values(self) -> Mapping[str, str]: ...


class SyncReport(Protocol):
    """What "Send now" achieved (kiosk.appliance.repair.SyncReport)."""

    @property
    def sent(self) -> int: ...
    @property
    def remaining(self) -> int: ...
    @property
    def error(self) -> str | None: ...


@dataclass(frozen=True)
class OutboxGate:
    """CheckOutbox's answer: this shop's stamps still waiting, and the shop's name."""

    waiting: int
    shop: str = "?"


class RunDoctor(Effect):
    """Every `kiosk doctor` check (answered with a DoctorReport)."""


class TailLogs(Effect):
    """The last log lines (answered with a sequence of str)."""

    blocking: ClassVar[bool] = False


class TestPrint(Effect):
    """One test coupon (answered with a sentence for the technician)."""

    __test__ = False  # not a pytest test class, whatever its name


class RestartKiosk(Effect):
    """Stop the app for systemd to start it again: "Restart app", or after a re-pairing."""

    blocking: ClassVar[bool] = False
    answered: ClassVar[bool] = False
    after_pairing: bool = False


class CheckOutbox(Effect):
    """The re-pair gate: stamps still waiting (answered with OutboxGate; OSError: unreadable).

    `detail` is shown on the page it leads to; `then_wait`: an open gate goes straight to
    waiting for the code (the confirm was given), not to the confirm page.
    """

    blocking: ClassVar[bool] = False
    detail: str = ""
    then_wait: bool = False


class SyncNow(Effect):
    """Send the waiting stamps to the old shop (answered with a SyncReport)."""


class Preflight(Effect):
    """Local refusals before the one-time code is spent (answered with Refusal or None)."""

    blocking: ClassVar[bool] = False
    scan: ClassifiedScan


class RepairExchange(Effect):
    """Trade the new shop's code for a token (answered with a PairResult)."""

    scan: ClassifiedScan
    at: datetime
