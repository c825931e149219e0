"""What a doctor check gets (DoctorContext) and gives back (CheckResult).

Colours mean: green = fine; yellow = works but degraded, or cannot be checked here (never
a fake green); red = broken. A red result of a required check makes `kiosk doctor` exit 1.
The context caches the one call to the cloud, so `token` and `server` share one probe.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from kiosk.api import errors
from kiosk.api.client import LoyaltyClient
from kiosk.api.models import DeviceSettingsFromCloud
from kiosk.appliance.token_store import TokenStore
from kiosk.config import ConfigError, Settings

Status = Literal["green", "yellow", "red"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    message: str
    fix: str = ""
    required: bool = True
    duration_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def green(message: str, **kw: Any) -> CheckResult:
    return CheckResult("", "green", message, **kw)


def yellow(message: str, fix: str = "", **kw: Any) -> CheckResult:
    return CheckResult("", "yellow", message, fix, **kw)


def red(message: str, fix: str, **kw: Any) -> CheckResult:
    return CheckResult("", "red", message, fix, **kw)


@dataclass(frozen=True)
class CloudProbe:
    """One GET /device: reachability, latency, and whether the token was accepted."""

    reachable: bool
    latency_ms: int
    device: DeviceSettingsFromCloud | None = None
    error: errors.ApiError | None = None


@dataclass
class DoctorContext:
    config_path: Path
    settings: Settings | None
    config_error: ConfigError | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    dev_dir: Path = Path("/dev")
    sys_dir: Path = Path("/sys")
    _cache: dict[str, Any] = field(default_factory=dict)

    def token(self) -> str | None:
        """The device token, or None; PermissionError when it exists but is unreadable."""
        assert self.settings is not None
        return TokenStore(self.settings.device.token_path).read()

    def client(self) -> LoyaltyClient:
        assert self.settings is not None
        s = self.settings.server

        def token() -> str | None:
            try:
                return self.token()
            except OSError:
                return None

        verify: bool | str = str(s.ca_bundle) if s.ca_bundle else s.verify_tls
        return LoyaltyClient(
            s.url,
            token,
            connect_timeout=min(s.connect_timeout_s, 5.0),
            read_timeout=min(s.read_timeout_s, 8.0),
            retries=0,
            verify_tls=verify,
        )

    def cloud_probe(self) -> CloudProbe:
        """GET /device once per doctor run; any HTTP answer proves the server is reachable."""
        if "cloud" not in self._cache:
            client = self.client()
            t0 = time.monotonic()
            try:
                device = client.device()
                probe = CloudProbe(True, _ms_since(t0), device=device)
            except errors.Offline as exc:
                probe = CloudProbe(False, _ms_since(t0), error=exc)
            except errors.ApiError as exc:
                probe = CloudProbe(True, _ms_since(t0), error=exc)
            self._cache["cloud"] = probe
        return self._cache["cloud"]


def _ms_since(t0: float) -> int:
    return int((time.monotonic() - t0) * 1000)
