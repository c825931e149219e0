"""One TOML file -> one validated, typed `Settings` object.

Why pydantic: it reports every bad key at once with its location, which we turn into
messages a technician can act on: the file, the key, what is wrong, and the fix.
Every key is documented in config/kiosk.example.toml (a test keeps the two in step).

Environment overrides (for tests and one-off runs): KIOSK__SECTION__KEY=value, where the
value is read as a TOML literal when it parses as one (numbers, booleans, lists), else
as a plain string. Example: KIOSK__PRINTER__URI=file:/tmp/out.bin
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from devices.printer.settings import PrinterSettings
from devices.scanner.settings import ScannerSettings
from kiosk.scan_patterns import GROUPS, pattern_problem
from kiosk.server_url import has_credentials, url_problem, warn_if_insecure

DEFAULT_CONFIG_PATH = Path("/etc/kiosk/kiosk.toml")
ENV_PREFIX = "KIOSK__"
EX_CONFIG = 78  # sysexits.h: configuration error; systemd won't restart-loop on it

Language = Literal["en", "ko", "zh", "et"]
LANGUAGES: list[Language] = ["en", "ko", "zh", "et"]
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# never echoed in a problem: a PIN hash reverses, a server URL may hold a password
SECRET_KEYS = {("technician", "pin_sha256"), ("server", "url")}


class Section(BaseModel):
    """Base of every section: unknown keys are errors (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class DeviceSection(Section):
    name: str = Field(
        default="kiosk", min_length=1, max_length=64, description="a short name, e.g. 'counter-1'"
    )
    state_dir: Path = Field(
        default=Path("/var/lib/kiosk"), description="a writable folder (outbox, cache, token)"
    )
    token_file: Path | None = Field(
        default=None, description="path of the device token; default <state_dir>/device.token"
    )

    user: str = Field(
        default="kiosk",
        min_length=1,
        max_length=32,
        description="the system user the service runs as",
    )

    @property
    def token_path(self) -> Path:
        return self.token_file or self.state_dir / "device.token"


class ServerSection(Section):
    url: str = Field(
        default="http://127.0.0.1:8765",
        description="the loyalty server, e.g. https://loyalty.example.com",
    )
    connect_timeout_s: float = Field(default=3.0, gt=0, le=60, description="seconds, 0 < t <= 60")
    read_timeout_s: float = Field(default=5.0, gt=0, le=120, description="seconds, 0 < t <= 120")
    verify_tls: bool = Field(default=True, description="true (or a CA bundle path in ca_bundle)")
    ca_bundle: Path | None = Field(
        default=None, description="optional CA bundle file for a private CA"
    )
    allow_insecure_http: bool = Field(
        default=False,
        description="true allows http:// to another machine (token and PINs in clear; "
        "warned at every start)",
    )
    settings_poll_s: float = Field(
        default=300,
        ge=0,
        le=86400,
        description="seconds between polls of the shop's settings from the cloud (GET /device "
        "with its ETag); 0 = only at start",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not (v.startswith("https://") or v.startswith("http://")):
            raise ValueError("must start with https:// (or http:// for a server on this machine)")
        if has_credentials(v):
            raise ValueError(
                "holds a user name or password; remove the 'user:password@' part "
                "(the kiosk authenticates with its device token)"
            )
        return v.rstrip("/")


class ScannerSection(ScannerSettings, Section):
    """[scanner]: the reader's keys are devices/scanner/settings.py's; here the patterns
    that sort a scan into a card, a voucher, a staff badge or a pairing code (kiosk's)."""

    card_url_pattern: str = Field(
        default=r"^https?://[A-Za-z0-9.-]+(?::\d+)?/c/(?P<token>[A-Za-z0-9_-]{6,128})$",
        description="regex with a (?P<token>...) group for wallet-card URLs",
    )
    card_token_pattern: str = Field(
        default=r"^[A-Za-z0-9_-]{16,128}$", description="regex for a bare card token"
    )
    voucher_url_pattern: str = Field(
        default=r"^https?://[A-Za-z0-9.-]+(?::\d+)?/v/(?P<voucher_id>[A-Za-z0-9_-]{4,64})$",
        description="regex with a (?P<voucher_id>...) group for voucher URLs",
    )
    redeem_code_pattern: str = Field(
        default=r"^[A-Z0-9][A-Z0-9-]{3,31}$", description="regex for redeem codes"
    )
    staff_badge_prefix: str = Field(
        default="STAFF:", min_length=1, description="staff badges start with this"
    )
    pairing_prefix: str = Field(
        default="KIOSK-PAIR:", min_length=1, description="pairing QR codes start with this"
    )

    @field_validator(*GROUPS)
    @classmethod
    def _pattern(cls, v: str, info: ValidationInfo) -> str:
        problem = pattern_problem(v, GROUPS[str(info.field_name)])
        if problem:
            raise ValueError(problem)
        return v


class CameraSection(Section):
    """How the camera in [scanner] is read (its index, size and fps stay in [scanner])."""

    source: Literal["v4l2", "rpicam", "auto"] = Field(
        default="auto",
        description='"v4l2" (a USB camera through OpenCV), "rpicam" (the Pi Camera Module '
        'through rpicam-vid) or "auto" (rpicam when rpicam-vid and a ribbon camera are there)',
    )


class PrinterSection(PrinterSettings, Section):
    """[printer]: the keys are the printer driver's own (devices/printer/settings.py)."""


class UiSection(Section):
    language: Literal["en", "ko", "zh", "et"] = Field(default="en", description="en, ko, zh or et")
    languages: list[Literal["en", "ko", "zh", "et"]] = Field(
        default_factory=lambda: list(LANGUAGES), description="languages the customer may switch to"
    )
    idle_timeout_s: float = Field(
        default=20.0, ge=3, le=600, description="seconds before going back to the start"
    )
    orientation: Literal["auto", "landscape", "portrait"] = Field(
        default="auto", description="auto, landscape or portrait"
    )
    fullscreen: bool = Field(default=True, description="true on the appliance, false on a desktop")
    width: int = Field(
        default=1280, ge=320, le=3840, description="window width when not fullscreen"
    )
    height: int = Field(
        default=800, ge=240, le=3840, description="window height when not fullscreen"
    )
    show_camera_preview: bool = Field(
        default=False, description="show the live camera on the start screen"
    )
    screen_blank_after_s: float = Field(
        default=0, ge=0, description="blank the screen after idle seconds; 0 = never"
    )
    staff_gesture: Literal["long_press_top_left", "long_press_top_right", "none"] = Field(
        default="long_press_top_left", description="hidden gesture that opens the staff PIN pad"
    )
    sound: bool = Field(default=True, description="beep on a successful read")
    phone_prefix: str = Field(
        default="+372",
        pattern=r"^\+[1-9][0-9]{0,3}$",
        description='country prefix of the phone-number pad ("No phone? Use your number")',
    )
    phone_stamps: bool = Field(
        default=True, description="offer stamps by phone number on the start screen"
    )
    low_reach: bool = Field(
        default=False, description="every customer control in the lower half of the screen"
    )
    speech_volume: int = Field(
        default=80, ge=0, le=100, description="accessibility mode: speech volume, percent"
    )


KEY_REPEAT_MIN_S = 0.2  # measured: the ring moved 20 times a second flashed 4 times (#17)


class AccessibilitySection(Section):
    """The keypad's timing (EN 301 549 5.7, 5.8), for every key on every screen."""

    key_repeat: bool = Field(
        default=False, description="a held key repeats (false: a held key is one press)"
    )
    key_repeat_delay_s: float = Field(
        default=1.0, ge=0.2, le=10, description="with key_repeat: seconds before the first repeat"
    )
    key_repeat_rate_s: float = Field(
        default=0.5,
        ge=KEY_REPEAT_MIN_S,
        le=10,
        description="with key_repeat: seconds between two repeats (at least 0.2: a held key "
        "moving the focus ring faster would flash it more than 3 times a second)",
    )
    double_strike_s: float = Field(
        default=0.0,
        ge=0,
        le=5,
        description="a second press of the same key within this many seconds is ignored; 0 = off",
    )


class StaffSection(Section):
    session_timeout_s: float = Field(
        default=60, ge=10, le=3600, description="inactivity seconds before staff mode ends"
    )
    max_failures: int = Field(default=5, ge=1, le=20, description="wrong PINs before the lockout")
    lockout_s: float = Field(
        default=300, ge=10, le=86400, description="seconds staff login stays locked"
    )
    min_attempt_gap_s: float = Field(
        default=1.0, ge=0, le=60, description="seconds the PIN pad waits between two login attempts"
    )


class OfflineSection(Section):
    allow_offline_redeem: bool = Field(
        default=False,
        description="true lets self-redeem vouchers be redeemed offline (risk: double redemption)",
    )
    degraded_deadline_ms: int = Field(
        default=1500, ge=100, le=30000, description="show 'saved' after this many ms"
    )
    outbox_max_rows: int = Field(
        default=50000, ge=100, description="pending operations kept at most"
    )
    card_cache_size: int = Field(
        default=500, ge=0, description="recently seen cards kept for offline display"
    )
    retry_base_s: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="seconds before the first retry of an unsent operation",
    )
    retry_max_s: float = Field(
        default=300.0, gt=0, le=3600, description="seconds between retries at most (backoff cap)"
    )
    sync_concurrency: int = Field(
        default=8, ge=1, le=16, description="cards synced in parallel (each card stays in order)"
    )
    sync_poll_s: float = Field(
        default=5.0, gt=0, le=300, description="seconds between checks for operations to send"
    )
    min_free_mb: float = Field(
        default=4.0,
        ge=0,
        description="MiB of free disk kept for sending: below it no new stamp is taken",
    )


class TechnicianSection(Section):
    pin_sha256: str = Field(
        default="",
        description="the 64 hex digits of sha256(PIN), made with 'kiosk hash-pin' (or: printf %s "
        "PIN | sha256sum | cut -d' ' -f1); \"\" disables the screen",
    )
    heartbeat_interval_s: float = Field(
        default=60, ge=5, le=3600, description="seconds between heartbeats"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR"
    )
    doctor_skip: list[str] = Field(
        default_factory=list,
        description='doctor checks not run on this kiosk, e.g. ["line_scanner"]',
    )
    watchdog_ping_s: float = Field(
        default=0,
        ge=0,
        le=60,
        description="seconds between watchdog pings; 0 = half of WatchdogSec",
    )

    @field_validator("pin_sha256")
    @classmethod
    def _pin_sha256(cls, v: str) -> str:
        """A value that is no digest can never match: the screen would refuse every PIN,
        and nobody would know why. sha256sum's whole line ("<hash>  -") is the usual slip."""
        v = v.strip().lower()
        if not v or SHA256_HEX.fullmatch(v):
            return v
        if SHA256_HEX.fullmatch(v.split()[0]):
            raise ValueError("this is sha256sum's whole line; keep only the 64 hex digits")
        raise ValueError(f"not a SHA-256 hex digest (64 characters 0-9 a-f; got {len(v)})")


WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


class UpdateSection(Section):
    health_timeout_s: float = Field(
        default=120,
        ge=5,
        le=3600,
        description="seconds a new release has to send READY=1 before it is rolled back",
    )
    window: str = Field(
        default="03:00-05:00",
        description='local time when a downloaded update may be applied, "HH:MM-HH:MM"; "" = any time',
    )
    keys_dir: Path = Field(
        default=Path("/etc/kiosk/release-keys"),
        description="folder of trusted release public keys (*.pub, minisign format)",
    )
    releases_dir: Path = Field(
        default=Path("/opt/stamp-kiosk"),
        description="where releases/<version>/, current and previous live",
    )
    max_rate_kib_s: int = Field(
        default=512, ge=0, description="download rate cap in KiB/s; 0 = no cap"
    )
    keep_releases: int = Field(
        default=3, ge=2, le=10, description="releases kept on disk (current and previous always)"
    )

    @field_validator("window")
    @classmethod
    def _window(cls, v: str) -> str:
        v = v.strip()
        if v and not WINDOW.match(v):
            raise ValueError('not a window like "03:00-05:00" (24-hour HH:MM-HH:MM, or "")')
        return v


class MetricsSection(Section):
    textfile: Path | None = Field(
        default=None,
        description="node_exporter textfile to write the kiosk's metrics to (e.g. "
        "/var/lib/node_exporter/textfile/stampkiosk.prom); unset = no metrics file",
    )
    interval_s: float = Field(
        default=30, ge=5, le=3600, description="seconds between two writes of the file"
    )


class Settings(Section):
    device: DeviceSection = Field(default_factory=DeviceSection)
    server: ServerSection = Field(default_factory=ServerSection)
    scanner: ScannerSection = Field(default_factory=ScannerSection)
    camera: CameraSection = Field(default_factory=CameraSection)
    printer: PrinterSection = Field(default_factory=PrinterSection)
    ui: UiSection = Field(default_factory=UiSection)
    staff: StaffSection = Field(default_factory=StaffSection)
    accessibility: AccessibilitySection = Field(default_factory=AccessibilitySection)
    offline: OfflineSection = Field(default_factory=OfflineSection)
    technician: TechnicianSection = Field(default_factory=TechnicianSection)
    update: UpdateSection = Field(default_factory=UpdateSection)
    metrics: MetricsSection = Field(default_factory=MetricsSection)

    # where [server] url came from (load_settings fills it): see server_source
    _server_source: str = PrivateAttr("default")
    # keys a person set (load_settings fills it): (section, key) -> "file" or "environment"
    _explicit: dict[tuple[str, str], str] = PrivateAttr(default_factory=dict)

    @property
    def explicit(self) -> dict[tuple[str, str], str]:
        """Keys set in kiosk.toml ("file") or KIOSK__SECTION__KEY ("environment"): these
        win over the cloud's settings (kiosk/cloud_settings.py)."""
        return self._explicit

    @property
    def server_source(self) -> str:
        """Which rule chose server.url: 'kiosk.toml', 'environment', 'paired by scan
        (<path>)' or 'default'. doctor/check-config can show it next to the URL."""
        return self._server_source

    @property
    def server_explicit(self) -> bool:
        """True when a person set [server] url (kiosk.toml or env): pairing by scan must
        then not move the kiosk to another server behind their back."""
        return self._server_source.startswith(("kiosk.toml", "environment"))


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    key: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.problem}. Fix: {self.fix}"


class ConfigError(Exception):
    """All problems of one config file at once."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def default_config_path() -> Path:
    return Path(os.environ.get("KIOSK_CONFIG") or DEFAULT_CONFIG_PATH)


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = name[len(ENV_PREFIX) :].lower().split("__")
        if len(parts) != 2:
            continue
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        out.setdefault(parts[0], {})[parts[1]] = value
    return out


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, values in extra.items():
        if isinstance(merged.get(section), dict):
            merged[section].update(values)
        else:
            merged[section] = values
    return merged


def _fix_for(loc: tuple[Any, ...], err_type: str) -> str:
    """Words a technician can act on, from the field's own documentation."""
    model: Any = Settings
    field = None
    for part in loc:
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            if err_type == "extra_forbidden":
                near = difflib.get_close_matches(str(part), list(fields), n=1)
                return (
                    f"remove it, or did you mean '{near[0]}'?"
                    if near
                    else "remove it; see config/kiosk.example.toml for the keys"
                )
            break
        field = fields[part]
        model = field.annotation
    if field is not None and field.description:
        return f"expected {field.description}"
    return "see config/kiosk.example.toml"


def _problems_from(exc: ValidationError, file: str) -> list[ConfigProblem]:
    problems = []
    for err in exc.errors():
        loc: tuple[str | int, ...] = tuple(err["loc"]) or ("(file)",)
        head, *rest = loc
        key = (f"[{head}] " + ".".join(str(p) for p in rest)) if rest else str(head)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif "input" in err and not isinstance(err["input"], dict) and loc not in SECRET_KEYS:
            msg = f"{msg} (got {err['input']!r})"
        problems.append(ConfigProblem(file, key.strip(), msg, _fix_for(loc, err["type"])))
    return problems


def validation_problems(exc: ValidationError, file: str) -> list[ConfigProblem]:
    """A pydantic error of Settings as problems a technician can act on (also for the
    cloud's settings, kiosk/cloud_settings.py)."""
    return _problems_from(exc, file)


def load_settings(
    path: Path | str | None = None,
    *,
    environ: dict[str, str] | None = None,
    must_exist: bool = True,
) -> Settings:
    """Read, merge env overrides, validate. Raises ConfigError listing every problem."""
    path = Path(path) if path else default_config_path()
    env = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                [ConfigProblem(str(path), "(syntax)", str(exc), "fix the TOML syntax at that line")]
            ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                [
                    ConfigProblem(
                        str(path),
                        "(file)",
                        f"cannot read: {exc}",
                        "check the file's permissions and encoding (UTF-8)",
                    )
                ]
            ) from exc
    elif must_exist:
        raise ConfigError(
            [
                ConfigProblem(
                    str(path),
                    "(file)",
                    "file not found",
                    "run 'kiosk provision' or copy config/kiosk.example.toml there",
                )
            ]
        )
    overrides = _env_overrides(env)
    try:
        settings = Settings.model_validate(_merge(data, overrides))
    except ValidationError as exc:
        raise ConfigError(_problems_from(exc, str(path))) from exc
    _choose_server(settings, data, overrides)
    _check_server_url(settings, str(path))
    settings._explicit = _explicit_keys(data, overrides)
    return settings


def _explicit_keys(data: dict[str, Any], env: dict[str, Any]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for origin, source in ((data, "file"), (env, "environment")):
        for section, values in origin.items():
            if isinstance(values, dict):
                found.update({(section, str(key)): source for key in values})
    return found


def _check_server_url(settings: Settings, file: str) -> None:
    """Refuse http:// to another machine unless allowed, and then warn (every start)."""
    server = settings.server
    problem = url_problem(server.url, allow_insecure_http=server.allow_insecure_http)
    if problem:
        raise ConfigError([ConfigProblem(file, "[server] url", *problem)])
    warn_if_insecure(server.url, server.allow_insecure_http)


# -- the server of a kiosk paired by scan ---------------------------------------------------

PAIRED_FILE = "paired.json"  # in [device] state_dir; written by pairing by scan
PAIRED_BY_SCAN = "scan-pairing"


def token_fingerprint(token: str) -> str:
    """sha256 of the token: ties paired.json to the one token it came with (never the token)."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def paired_server(settings: Settings) -> str | None:
    """The server URL written by pairing by scan, when it still belongs to the current token.

    Why the fingerprint: a later `kiosk provision` or `kiosk unpair` replaces or removes the
    token; the old paired.json must then stop counting (else its server would be used with
    a token it never issued).
    """
    path = settings.device.state_dir / PAIRED_FILE
    try:
        paired = json.loads(path.read_text(encoding="utf-8"))
        token = settings.device.token_path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if not isinstance(paired, dict) or paired.get("written_by") != PAIRED_BY_SCAN:
        return None
    url = paired.get("server_url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    if not token.strip() or paired.get("token_sha256") != token_fingerprint(token):
        return None
    return url.rstrip("/")


def _choose_server(settings: Settings, data: dict[str, Any], env: dict[str, Any]) -> None:
    """The rule (docs/technician.md): an explicit [server] url (kiosk.toml or env) always
    wins; otherwise the server this kiosk was paired with by scan; otherwise the default."""
    if "url" in env.get("server", {}):
        settings._server_source = "environment (KIOSK__SERVER__URL)"
    elif isinstance(data.get("server"), dict) and "url" in data["server"]:
        settings._server_source = "kiosk.toml"
    elif (url := paired_server(settings)) is not None:
        settings.server.url = url
        settings._server_source = f"paired by scan ({settings.device.state_dir / PAIRED_FILE})"
