"""Typed errors of the loyalty API.

The server answers errors as RFC 9457 problem+json with a stable machine `code`; the
client turns each code into one exception class so flows can `except CooldownActive`
instead of parsing strings. No message here ever carries the device or staff token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

_BY_CODE: dict[str, type[ApiError]] = {}


class ApiError(Exception):
    """Base of every error the client raises.

    A subclass that sets its own `code` is what the server answers with that code: it
    registers itself here, so a new error is one class, not a class plus a list entry.
    The client's own failures (no answer, 5xx, garbage) pass `server_code=False`.
    """

    code: str = "api_error"

    def __init_subclass__(cls, *, server_code: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if server_code and "code" in cls.__dict__:
            _BY_CODE[cls.code] = cls

    def __init__(
        self,
        detail: str = "",
        *,
        status: int | None = None,
        code: str | None = None,
        problem: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.status = status
        if code:
            self.code = code
        self.problem = problem or {}

    @property
    def retryable(self) -> bool:
        """True where the same request may succeed later (network, 5xx)."""
        return False


class Offline(ApiError, server_code=False):
    """No answer: connection refused, DNS, TLS, or a timeout. The request may have applied."""

    code = "offline"

    @property
    def retryable(self) -> bool:
        return True


class ServerError(ApiError, server_code=False):
    """5xx from the server."""

    code = "server_error"

    @property
    def retryable(self) -> bool:
        return True


class BadResponse(ApiError, server_code=False):
    """The server answered something that is not the contract (garbage, wrong shape)."""

    code = "bad_response"

    @property
    def retryable(self) -> bool:
        return True


class Unauthorized(ApiError):
    code = "unauthorized"


class Forbidden(ApiError):
    """The token is valid but lacks the permission (for example a staff tool)."""

    code = "forbidden"


class NotFound(ApiError):
    code = "not_found"


class CardNotFound(NotFound):
    code = "card_not_found"


class VoucherNotFound(NotFound):
    code = "voucher_not_found"


class InvalidRequest(ApiError):
    """422/400: the request broke a rule; `problem['errors']` lists the fields."""

    code = "validation_error"


class _WaitThenRetry(ApiError):
    """An answer that says how long to wait: `retry_after` seconds from the problem body."""

    @property
    def retry_after(self) -> int:
        return int(self.problem.get("retry_after", 0))


class CooldownActive(_WaitThenRetry):
    """409: the card was stamped moments ago; the next stamp is allowed at `next_stamp_at`."""

    code = "cooldown_active"

    @property
    def next_stamp_at(self) -> datetime | None:
        value = self.problem.get("next_stamp_at")
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


class DailyLimitReached(ApiError):
    """409: the card has collected today's stamps; `retry_after` seconds to the shop's
    next day (`next_day_at`)."""

    code = "daily_limit_reached"

    @property
    def retry_after(self) -> int:
        return int(self.problem.get("retry_after", 0))

    @property
    def next_day_at(self) -> datetime | None:
        value = self.problem.get("next_day_at")
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


class PhoneNotFound(NotFound):
    """404: no card for this number (also: a rate limit; the server says the same)."""

    code = "phone_not_found"


class PhoneCannotRedeem(Forbidden):
    """403: a customer found by phone number earns stamps and never redeems."""

    code = "phone_cannot_redeem"


class VoucherAlreadyRedeemed(ApiError):
    code = "voucher_already_redeemed"


class VoucherExpired(ApiError):
    code = "voucher_expired"


class VoucherNotSelfRedeemable(ApiError):
    code = "voucher_not_self_redeemable"


class StaffLockedOut(_WaitThenRetry):
    """429/423: too many wrong PINs; `retry_after` seconds until the next try."""

    code = "staff_locked_out"


class PairingCodeInvalid(ApiError):
    code = "pairing_code_invalid"


class PairingCodeExpired(ApiError):
    code = "pairing_code_expired"


class PairingCodeUsed(ApiError):
    code = "pairing_code_used"


class RedeemCodeTaken(ApiError):
    code = "redeem_code_taken"


class PayloadTooLarge(InvalidRequest):
    """413: the request body is over the server's limit (a bug or an oversized image)."""

    code = "payload_too_large"


class VoucherNotYetValid(InvalidRequest):
    """422: the voucher's valid_from lies in the future."""

    code = "voucher_not_yet_valid"


class IdempotencyKeyReused(ApiError):
    """The same Idempotency-Key was sent with a different body: a client bug, never retried."""

    code = "idempotency_key_reused"


_BY_STATUS: dict[int, type[ApiError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    413: PayloadTooLarge,
    422: InvalidRequest,
    423: StaffLockedOut,
    429: StaffLockedOut,
}


def error_from_problem(status: int, problem: dict[str, Any]) -> ApiError:
    """Map an HTTP status and its problem+json body to the matching typed error."""
    code = str(problem.get("code") or "")
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = ServerError if status >= 500 else _BY_STATUS.get(status, ApiError)
    detail = str(problem.get("detail") or problem.get("title") or f"HTTP {status}")
    return cls(detail, status=status, code=code or None, problem=problem)
