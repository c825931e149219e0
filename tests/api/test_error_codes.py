"""Every server error code maps to its own class; the client's own failures never do."""

from __future__ import annotations

import pytest

from kiosk.api import errors as e


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("card_not_found", e.CardNotFound),
        ("cooldown_active", e.CooldownActive),
        ("staff_locked_out", e.StaffLockedOut),
        ("voucher_not_yet_valid", e.VoucherNotYetValid),
        ("idempotency_key_reused", e.IdempotencyKeyReused),
        ("pairing_code_used", e.PairingCodeUsed),
    ],
)
def test_a_server_code_maps_to_its_class(code: str, cls: type[e.ApiError]) -> None:
    err = e.error_from_problem(409, {"code": code, "retry_after": 7})
    assert type(err) is cls and err.code == code


@pytest.mark.parametrize("code", ["offline", "server_error", "bad_response"])
def test_a_server_cannot_claim_a_client_side_failure(code: str) -> None:
    """'offline' from a server is an answer, not a lost connection: it maps by status."""
    err = e.error_from_problem(409, {"code": code})
    assert type(err) is e.ApiError and not err.retryable


def test_waiting_errors_read_retry_after_from_the_problem() -> None:
    for code in ("cooldown_active", "staff_locked_out"):
        err = e.error_from_problem(429, {"code": code, "retry_after": "12"})
        assert isinstance(err, e.CooldownActive | e.StaffLockedOut)
        assert err.retry_after == 12


def test_an_unknown_code_falls_back_to_the_status() -> None:
    assert type(e.error_from_problem(404, {"code": "new_thing"})) is e.NotFound
    assert type(e.error_from_problem(503, {"code": "new_thing"})) is e.ServerError
