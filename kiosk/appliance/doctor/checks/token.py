"""The device token is there, private (0600), and the server accepts it."""

from __future__ import annotations

from kiosk.api import errors
from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow
from kiosk.appliance.token_store import TokenStore

NAME = "token"
ORDER = 20
REQUIRED = True

_REPAIR = "pair again: kiosk provision --server URL --pairing-code CODE --name NAME"


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    path = ctx.settings.device.token_path
    store = TokenStore(path)
    try:
        token = store.read()
    except PermissionError:
        return red(
            f"{path} exists but this user cannot read it",
            "run doctor as root (sudo) or as the kiosk service user",
        )
    if token is None:
        return red(f"not paired: no device token at {path}", _REPAIR)
    mode = store.mode()
    if mode is not None and mode & 0o077:
        return red(
            f"{path} is readable by others (mode {mode:04o})",
            f"chmod 600 {path}",
        )
    probe = ctx.cloud_probe()
    if probe.device is not None:
        where = probe.device.location.name or probe.device.location.id
        return green(f"accepted by the server: device '{probe.device.name}' at '{where}'")
    if isinstance(probe.error, errors.Unauthorized | errors.Forbidden):
        return red(
            "the server rejected the device token (removed in the shop's admin, or re-paired elsewhere)",
            _REPAIR,
        )
    if not probe.reachable:
        return yellow(
            "token present (0600) but not verified: the server is unreachable",
            "see the 'server' check",
        )
    return yellow(
        f"token present but the server answered {probe.error.code if probe.error else '?'}",
        "run doctor again in a minute; if it persists, ask the loyalty provider",
    )
