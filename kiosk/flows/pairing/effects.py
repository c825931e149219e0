"""What the pairing flow asks of the world: the exchange (HTTP, then the token written) and
the restart after it. Carried out in kiosk/cli/_pairing_parts.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from kiosk.flows.runtime import Effect
from kiosk.scan_kinds import ClassifiedScan


class PairResult(Protocol):
    """What a successful exchange tells (kiosk.appliance.provisioning.ScanPairResult)."""

    @property
    def server_url(self) -> str: ...
    @property
    def location_name(self) -> str: ...


class PairByScan(Protocol):
    """The exchange itself (kiosk.appliance.provisioning.pair_by_scan), wired by `kiosk run`:
    it talks HTTP and writes the token, which a flow never does itself."""

    def __call__(
        self,
        server: str,
        code: str,
        *,
        device_name: str,
        token_path: Path,
        state_dir: Path,
        now: datetime | None = None,
    ) -> PairResult: ...


@runtime_checkable
class Explained(Protocol):
    """A failure that carries a technician's words (kiosk.appliance.provisioning's
    ProvisionError): what happened and what to do. Its __cause__ is the API error."""

    message: str
    fix: str


class Exchange(Effect):
    """Trade the scanned pairing code for a device token (answered with a PairResult)."""

    scan: ClassifiedScan
    at: datetime


class RestartKiosk(Effect):
    """Stop the app so systemd starts it again, now paired (nothing to answer)."""

    blocking: ClassVar[bool] = False
    answered: ClassVar[bool] = False
