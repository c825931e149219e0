"""The words of a failed re-pairing: first pairing's words, in the technician catalog."""

from __future__ import annotations

from kiosk.flows.pairing import Explained, failure_detail, message_for


def failure_words(exc: BaseException) -> tuple[str, str]:
    """(i18n key, English detail) for a failed exchange; the words of first pairing."""
    if isinstance(exc, Explained):
        return "tech.repair." + message_for(exc).removeprefix("pair."), failure_detail(exc)
    if isinstance(exc, OSError):
        return "tech.repair.write_failed", f"{type(exc).__name__}: {exc}"
    return "tech.repair.error", f"{type(exc).__name__}: {exc}"
