"""The server's refusals in the staff member's language (i18n keys of staff.json)."""

from __future__ import annotations

from kiosk.api import errors
from kiosk.flows.staff_states import Message

SERVER_MESSAGES: dict[type[errors.ApiError], str] = {
    errors.RedeemCodeTaken: "staff.server.code_taken",
    errors.Forbidden: "staff.server.forbidden",
    errors.CardNotFound: "staff.server.card_not_found",
    errors.NotFound: "staff.server.not_found",
    errors.InvalidRequest: "staff.server.invalid",
    errors.Offline: "staff.server.offline",
    errors.ServerError: "staff.server.error",
    errors.BadResponse: "staff.server.error",
    errors.IdempotencyKeyReused: "staff.server.error",
}


def server_message(exc: errors.ApiError) -> Message:
    """The server's error in the staff member's language; its own detail as a fallback."""
    for cls in type(exc).__mro__:
        if cls in SERVER_MESSAGES:
            return Message.of(SERVER_MESSAGES[cls], error=True, detail=_safe_detail(exc))
    return Message.of("staff.server.error", error=True, detail=_safe_detail(exc))


def _safe_detail(exc: errors.ApiError) -> str:
    detail = "".join(ch for ch in (exc.detail or "") if ch.isprintable())
    return detail[:160]
