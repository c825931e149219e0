"""Pairing a kiosk with a shop: one-time code -> device token + config file.

Order matters for "re-provisioning is safe": the new token is fetched first, and only
after the server accepted the code are the token file and the config rewritten (each
atomically). A wrong code, an expired code or an unreachable server leaves the old
pairing exactly as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import pwd
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.api import errors
from kiosk.api.client import LoyaltyClient
from kiosk.appliance.token_store import TokenStore
from kiosk.appliance.toml_edit import set_keys, write_atomic
from kiosk.appliance.waiting import abandon, refusal_fix, waiting_in
from kiosk.server_url import safe_to_show, url_problem

CONFIG_NAME = "kiosk.toml"
TOKEN_NAME = "device.token"  # noqa: S105 - a file name, not a secret
DEFAULT_PAIRING_PREFIX = "KIOSK-PAIR:"
_CLOCK_SANE_AFTER = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # a Pi without RTC boots in the past


class ProvisionError(Exception):
    """A failure with the words a technician needs: what happened and what to do."""

    def __init__(self, message: str, fix: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.exit_code = exit_code


@dataclass(frozen=True)
class ProvisionRequest:
    server_url: str
    pairing_code: str
    device_name: str
    config_dir: Path
    state_dir: Path | None = None
    token_file: Path | None = None
    owner: str | None = None  # chown token to this user (root installs for the service user)
    force: bool = False  # abandon operations still waiting in the outbox (waiting.py)


@dataclass(frozen=True)
class ProvisionResult:
    config_path: Path
    token_path: Path
    device_id: str
    location_name: str
    replaced_token: bool
    abandoned: int = 0  # waiting operations dropped because of force


def parse_pairing_payload(
    text: str, prefix: str = DEFAULT_PAIRING_PREFIX
) -> tuple[str | None, str]:
    """`KIOSK-PAIR:<server>#<code>` (the admin's QR) -> (server, code); a bare code -> (None, code)."""
    text = text.strip()
    if not text.startswith(prefix):
        return None, text
    body = text[len(prefix) :]
    server, sep, code = body.rpartition("#")
    if not sep or not code:
        raise ProvisionError(
            "the pairing QR code is incomplete",
            f"scan it again; it must look like {prefix}https://server#CODE",
            2,
        )
    return (server or None), code


def validate_server_url(url: str) -> str:
    """The address, or ProvisionError: the same rules as [server] url (kiosk/server_url.py),
    because the pairing code, then the token, go to it. A refused URL is never echoed."""
    url = url.strip().rstrip("/")
    if not url.startswith(("https://", "http://")) or len(url) < 10:
        raise ProvisionError(
            f"'{safe_to_show(url)}' is not a server address",
            "give the loyalty server's address, e.g. https://loyalty.example.com",
            2,
        )
    problem = url_problem(url)
    if problem:
        raise ProvisionError(f"the server address is refused: {problem[0]}", problem[1], 2)
    return url


def hardware_info() -> dict[str, Any]:
    """What the shop's admin sees about this device (no serial numbers, nothing secret)."""
    model = ""
    with contextlib.suppress(OSError):
        model = Path("/proc/device-tree/model").read_bytes().rstrip(b"\0").decode(errors="replace")
    return {
        "hostname": socket.gethostname(),
        "machine": platform.machine(),
        "model": model or platform.platform(),
        "app_version": __version__,
    }


def _explain(exc: errors.ApiError, server: str, now: dt.datetime | None = None) -> ProvisionError:
    if isinstance(exc, errors.PairingCodeInvalid):
        return ProvisionError(
            "the pairing code is not valid",
            "check the code for typos, or create a new one in the shop's admin",
            1,
        )
    if isinstance(exc, errors.PairingCodeExpired):
        return ProvisionError(
            "the pairing code has expired",
            "create a new pairing code in the shop's admin and use it within its time limit",
            1,
        )
    if isinstance(exc, errors.PairingCodeUsed):
        return ProvisionError(
            "the pairing code was already used (each code pairs one kiosk once)",
            "create a new pairing code in the shop's admin",
            1,
        )
    if isinstance(exc, errors.Offline):
        now = now or dt.datetime.now(dt.UTC)
        if "TLS" in str(exc) and now < _CLOCK_SANE_AFTER:
            return ProvisionError(
                f"TLS to {server} failed and this kiosk's clock says {now:%Y-%m-%d}",
                "set the clock (enable NTP: timedatectl set-ntp true; check the network "
                "allows NTP) and try again",
                75,
            )
        return ProvisionError(
            f"cannot reach the server: {exc}",
            "check the network cable/Wi-Fi and the server address; if it uses TLS, check "
            "the clock (timedatectl)",
            75,
        )
    if isinstance(exc, errors.InvalidRequest):
        return ProvisionError(
            f"the server refused the request: {exc.detail}", "check the code and the name", 1
        )
    return ProvisionError(
        f"the server answered an error: {exc.code}",
        "try again in a minute; if it persists, ask the loyalty provider",
        75,
    )


def provision(
    req: ProvisionRequest, *, client_factory: Callable[[str], LoyaltyClient] | None = None
) -> ProvisionResult:
    """Exchange the code, then write token and config. Raises ProvisionError."""
    server = validate_server_url(req.server_url)
    code = req.pairing_code.strip()
    if not code:
        raise ProvisionError("no pairing code given", "pass --pairing-code CODE", 2)
    config_dir = Path(req.config_dir)
    token_path = Path(req.token_file) if req.token_file else config_dir / TOKEN_NAME
    # everything that could make a spent code useless is checked BEFORE the code is sent
    outbox_dir = _outbox_dir(config_dir, req.state_dir)
    waiting = waiting_in(outbox_dir)
    if waiting.blocks and not req.force:
        raise ProvisionError(
            f"{waiting.describe()} ({outbox_dir}); pairing now would send them to the new "
            "shop. Nothing was changed and the pairing code was not used",
            refusal_fix("kiosk provision"),
            1,
        )
    check_writable([config_dir / CONFIG_NAME, token_path], req.owner)
    client = (client_factory or _default_client)(server)
    try:
        pairing = client.pair(code, req.device_name, hardware_info())
    except errors.ApiError as exc:
        raise _explain(exc, server) from exc
    store = TokenStore(token_path)
    had_token = store.read() is not None
    store.write(pairing.device_token)
    if req.owner:
        _chown(token_path, req.owner)
    config_path = config_dir / CONFIG_NAME
    _write_config(config_path, server, req.device_name, token_path, req.state_dir)
    abandoned = (
        abandon(outbox_dir, "abandoned: kiosk re-paired (provision --force)")
        if waiting.blocks
        else 0
    )
    return ProvisionResult(
        config_path=config_path,
        token_path=token_path,
        device_id=pairing.device_id,
        location_name=pairing.location.name if pairing.location else "",
        replaced_token=had_token,
        abandoned=abandoned,
    )


def _outbox_dir(config_dir: Path, state_dir: Path | None) -> Path:
    """The state folder whose outbox belongs to the current pairing: the one the existing
    kiosk.toml names, else --state-dir, else the default."""
    from kiosk.config import ConfigError, DeviceSection, load_settings

    try:
        return load_settings(config_dir / CONFIG_NAME, environ={}).device.state_dir
    except ConfigError:
        return Path(state_dir) if state_dir else DeviceSection().state_dir


def check_writable(paths: list[Path], owner: str | None = None) -> None:
    """Raise ProvisionError (78) unless every file can be written (atomically: a temp file
    beside it, then a rename) and, with `owner`, given to that user. By trying: a temp
    file is created and removed in each folder, or in its nearest existing parent."""
    for path in paths:
        folder = _nearest_existing(Path(path).parent)
        probe = folder / f".kiosk-provision-probe.{os.getpid()}"
        try:
            if not folder.is_dir():
                raise NotADirectoryError(f"{folder} is not a folder")
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.unlink(probe)
        except OSError as exc:
            raise ProvisionError(
                f"cannot write {path} ({exc.strerror or exc}); nothing was changed and the "
                "pairing code was not used",
                "run it with sudo, or choose --config-dir / --token-file you can write",
                78,
            ) from exc
    if owner:
        _check_owner(owner)


def _check_owner(owner: str) -> None:
    try:
        uid = pwd.getpwnam(owner).pw_uid
    except KeyError as exc:
        raise ProvisionError(
            f"user '{owner}' does not exist, so it could not be given the token",
            "run 'sudo kiosk install-service' first (it creates the user), then provision again",
            78,
        ) from exc
    if os.geteuid() not in (0, uid):
        raise ProvisionError(
            f"only root can give the token to user '{owner}'; the pairing code was not used",
            "run it with sudo",
            78,
        )


def _nearest_existing(folder: Path) -> Path:
    folder = folder.absolute()
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


@dataclass(frozen=True)
class ScanPairResult:
    server_url: str
    location_name: str
    device_id: str
    token_path: Path
    paired_path: Path


def pair_by_scan(
    server: str,
    code: str,
    *,
    device_name: str,
    token_path: Path,
    state_dir: Path,
    now: dt.datetime | None = None,
    client_factory: Callable[[str], LoyaltyClient] | None = None,
) -> ScanPairResult:
    """Pairing from the admin's QR shown to the kiosk's own camera (kiosk not paired).

    Same exchange as provision(), but nothing is written under /etc/kiosk (read-only under
    systemd): the token goes to [device] token path and the server to
    <state_dir>/paired.json, which load_settings uses when kiosk.toml sets no [server] url.
    Raises ProvisionError (the words of `kiosk provision`, ProvisionError.kind says which).
    """
    from kiosk.config import PAIRED_BY_SCAN, PAIRED_FILE, token_fingerprint

    server = validate_server_url(server)
    client = (client_factory or _default_client)(server)
    try:
        pairing = client.pair(code.strip(), device_name, hardware_info())
    except errors.ApiError as exc:
        raise _explain(exc, server, now) from exc
    location = pairing.location.name if pairing.location else ""
    paired = {
        "written_by": PAIRED_BY_SCAN,
        "server_url": server,
        "location_name": location,
        "device_id": pairing.device_id,
        "paired_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
        "token_sha256": token_fingerprint(pairing.device_token),
    }
    paired_path = Path(state_dir) / PAIRED_FILE
    # paired.json first: a power cut between the two leaves a fingerprint that matches no
    # token (ignored, kiosk still unpaired), never a token without its server
    _write_private(paired_path, json.dumps(paired, indent=2) + "\n")
    TokenStore(token_path).write(pairing.device_token)
    return ScanPairResult(server, location, pairing.device_id, Path(token_path), paired_path)


def _write_private(path: Path, text: str) -> None:
    """Atomic, 0600 from the first byte (it names the server and the device)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _default_client(server: str) -> LoyaltyClient:
    return LoyaltyClient(server, connect_timeout=5.0, read_timeout=10.0, retries=0)


def _write_config(
    path: Path, server: str, name: str, token_path: Path, state_dir: Path | None
) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    device: dict[str, Any] = {"name": name, "token_file": str(token_path.resolve())}
    if state_dir is not None:
        device["state_dir"] = str(Path(state_dir).resolve())
    write_atomic(path, set_keys(old, {"device": device, "server": {"url": server}}))


def _chown(path: Path, user: str) -> None:
    pw = pwd.getpwnam(user)  # checked before the code was sent (check_writable)
    os.chown(path, pw.pw_uid, pw.pw_gid)


def unpair(token_path: Path) -> bool:
    """Remove the device token (the config stays, so re-pairing only needs a new code)."""
    return TokenStore(token_path).remove()


_HEADER = """\
# Stamp Kiosk configuration, written by `kiosk provision`.
# Every key and its default: config/kiosk.example.toml. Check with: kiosk check-config PATH

[device]

[server]
"""
