"""The words of a failed exchange, shared by first pairing and the technician's re-pairing."""

from __future__ import annotations

from kiosk.api import errors
from kiosk.flows.pairing.effects import Explained


def failure_detail(exc: BaseException) -> str:
    """English words for the technician line: the reason and, when known, the fix."""
    if isinstance(exc, Explained):
        return f"{exc.message}. Fix: {exc.fix}"
    return f"{type(exc).__name__}: {exc}"


def message_for(exc: BaseException) -> str:
    """The i18n key for a failed exchange: what the person at the kiosk can do about it."""
    cause = exc.__cause__ if isinstance(exc, Explained) else exc
    if isinstance(cause, errors.PairingCodeInvalid):
        return "pair.invalid"
    if isinstance(cause, errors.PairingCodeExpired):
        return "pair.expired"
    if isinstance(cause, errors.PairingCodeUsed):
        return "pair.used"
    if isinstance(cause, errors.Offline):
        said = str(exc)
        return "pair.clock" if "clock says" in said else "pair.offline"
    return "pair.error"
