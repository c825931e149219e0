"""Settings from the cloud (issue 19): what a shop changes on its kiosks without a visit.

GET /device carries `settings`, sections and keys as in kiosk.toml. They are validated by
the very models of the local file (kiosk/config.py), as one set: a set with any bad value
is rejected whole and the last good set is kept (in the state dir, 0600), so a typo in the
shop's admin can never take a kiosk down, and doctor says what was rejected and why.

Precedence, per key: a key a technician set (kiosk.toml or KIOSK__SECTION__KEY) wins; else
the cloud's value; else the default. `effective()` also says where each value came from,
for `kiosk check-config --effective`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.config import Settings, validation_problems
from kiosk.files.atomic import write_atomic

log = logging.getLogger(__name__)

STORE_FILE = "cloud-settings.json"  # in [device] state_dir
CLOUD = "cloud"  # the file name problems are reported against
# The keys a shop may set from the cloud. Device, server, printer, scanner and secrets
# never: a wrong value there cannot be fixed from the cloud once the kiosk is off line.
CLOUD_KEYS: dict[str, tuple[str, ...]] = {
    "ui": (
        "language",
        "languages",
        "idle_timeout_s",
        "screen_blank_after_s",
        "low_reach",
        "speech_volume",
        "phone_stamps",
        "sound",
    ),
    "staff": ("session_timeout_s",),
    "update": ("window",),
}
# Applied at once (the customer flow gets them as an event); the others at the next start.
# Every [ui] key but `sound` (the sound player is built once, at start).
LIVE_KEYS = frozenset(("ui", k) for k in CLOUD_KEYS["ui"] if k != "sound")


@dataclass(frozen=True)
class Checked:
    """A cloud set after validation: the values kept, or the problems that rejected it."""

    values: dict[str, dict[str, Any]]
    problems: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()  # keys this kiosk does not take from the cloud

    @property
    def ok(self) -> bool:
        return not self.problems


def check(local: Settings, cloud: Any) -> Checked:
    """Validate `cloud` over the local settings with the kiosk.toml models (one set)."""
    if not isinstance(cloud, dict):
        return Checked({}, (f"settings: not an object (got {type(cloud).__name__})",))
    values: dict[str, dict[str, Any]] = {}
    ignored: list[str] = []
    for section, keys in cloud.items():  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(keys, dict):
            return Checked({}, (f"[{section}]: not a table",))
        for key, value in keys.items():  # pyright: ignore[reportUnknownVariableType]
            if key in CLOUD_KEYS.get(str(section), ()):
                values.setdefault(str(section), {})[str(key)] = value
            else:
                ignored.append(f"[{section}] {key}")
    try:
        Settings.model_validate(_over(local, values))
    except ValidationError as exc:
        return Checked({}, tuple(str(p) for p in validation_problems(exc, CLOUD)), tuple(ignored))
    return Checked(values, (), tuple(ignored))


def _over(local: Settings, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = local.model_dump()
    for section, keys in values.items():
        data[section].update(keys)
    return data


@dataclass(frozen=True)
class Effective:
    """The settings in force, and per (section, key) where the value came from."""

    settings: Settings
    sources: dict[tuple[str, str], str]
    overridden: dict[tuple[str, str], Any] = field(default_factory=dict)  # cloud lost to file


def effective(local: Settings, good: dict[str, dict[str, Any]]) -> Effective:
    """Local explicit keys win; the cloud's good values fill the rest; then the defaults."""
    applied: dict[str, dict[str, Any]] = {}
    overridden: dict[tuple[str, str], Any] = {}
    for section, keys in good.items():
        for key, value in keys.items():
            if (section, key) in local.explicit:
                overridden[(section, key)] = value
            else:
                applied.setdefault(section, {})[key] = value
    merged = Settings.model_validate(_over(local, applied)) if applied else local
    merged._server_source = local.server_source  # pyright: ignore[reportPrivateUsage]
    merged._explicit = dict(local.explicit)  # pyright: ignore[reportPrivateUsage]
    sources: dict[tuple[str, str], str] = {}
    for section, model in type(local).model_fields.items():
        for key in getattr(model.annotation, "model_fields", {}):
            sources[(section, key)] = local.explicit.get((section, key)) or (
                CLOUD if key in applied.get(section, {}) else "default"
            )
    return Effective(merged, sources, overridden)


# -- the last good set, and the last rejection, in the state dir ------------------------------


@dataclass
class Stored:
    good: dict[str, dict[str, Any]] = field(default_factory=dict)
    good_at: str = ""
    rejected_at: str = ""
    problems: list[str] = field(default_factory=list)


class CloudStore:
    """`<state_dir>/cloud-settings.json` (0600): the last good set and the last rejection.

    Why on disk: a kiosk that starts off line uses the shop's last good settings, and
    `kiosk doctor` (another process) can say that a set was rejected."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / STORE_FILE

    def load(self) -> Stored:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return Stored(
                good=dict(raw.get("good") or {}),
                good_at=str(raw.get("good_at") or ""),
                rejected_at=str(raw.get("rejected_at") or ""),
                problems=[str(p) for p in raw.get("problems") or []],
            )
        except (OSError, ValueError, AttributeError, TypeError):
            return Stored()

    def save(self, stored: Stored) -> None:
        body = {
            "good": stored.good,
            "good_at": stored.good_at,
            "rejected_at": stored.rejected_at,
            "problems": stored.problems,
        }
        write_atomic(self.path, json.dumps(body, indent=1, sort_keys=True), mode=0o600)


def with_last_good(local: Settings) -> Effective:
    """The settings to start with: the local file over the last good cloud set."""
    stored = CloudStore(local.device.state_dir).load()
    try:
        return effective(local, check(local, stored.good).values)
    except ValidationError:  # the file changed since: its own keys are fine alone
        return effective(local, {})
