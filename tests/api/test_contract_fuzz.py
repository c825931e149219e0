"""The published OpenAPI document, fuzzed with schemathesis against the running server:
no 5xx ever, every answer (success or problem) conforms to the schema it documents, what
the schema forbids is refused and what it allows is not refused as invalid.

A server of its own: the fuzzer moves the test clock and creates staff, which must not
leak into other tests. Bounded: a few examples per operation (fewer when CI=true)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from kiosk.api import LoyaltyClient, new_idempotency_key
from tests.support.refserver import RefServer

EXAMPLES = 5 if os.environ.get("CI") == "true" else 8
STAFF_ONLY = {("GET", "/api/v1/cards/search"), ("POST", "/api/v1/vouchers")}
# Calls whose 422 may come from a rule no JSON schema can state (a date in the past, a
# milestone beyond the goal, lottery odds not adding up to 100, a PIN already taken, more
# stamps than the program allows, a voucher staff must redeem, a slide already expired):
# everywhere else, a schema-valid body is never a 422.
BUSINESS_RULES = {
    ("POST", "/api/v1/vouchers"),
    ("POST", "/admin/programs"),
    ("POST", "/admin/staff"),
    ("POST", "/api/v1/cards/{card_id}/stamps"),
    ("POST", "/api/v1/vouchers/{voucher_id}/redeem"),
    ("POST", "/admin/slides"),  # `until` already past, `from` after `until`
}
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    server = RefServer(db=tmp_path_factory.mktemp("fuzz") / "ref.sqlite").start()
    pid = server.program(cooldown_seconds=0)
    server.card(pid, "Mari")
    device = server.pair_device()
    server.admin("POST", "/admin/staff", {"name": "Fuzz", "pin": "24681357", "permissions": ["*"]})
    staff = LoyaltyClient(server.url, device).staff_login(pin="24681357")
    server.tokens = {"device": device, "staff": staff.token}  # type: ignore[attr-defined]
    yield server
    server.stop()


def _check(case, server, mode) -> None:
    op = (case.method.upper(), case.path)
    if mode is GenerationMode.POSITIVE and case.headers and "Idempotency-Key" in case.headers:
        # a key is one action's: a generated key reused for another body is a client bug
        case.headers["Idempotency-Key"] = new_idempotency_key()
    kind = "staff" if op in STAFF_ONLY else "device"
    headers = {"X-Admin-Token": server.admin_token}
    if case.path.startswith("/api/"):
        headers["Authorization"] = f"Bearer {server.tokens[kind]}"
    case.call_and_validate(
        base_url=server.url,
        headers=headers,
        checks=CHECKS if op in BUSINESS_RULES else [*CHECKS, positive_data_acceptance],
        timeout=10,
    )


def _operations(server):
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzed_requests_never_5xx_and_answers_match_the_schema(fuzz_server, mode):
    """Schemathesis' pytest plugin does not load under pytest 9, so drive it through
    Hypothesis directly: one bounded run per operation and generation mode."""
    operations = _operations(fuzz_server)
    assert len(operations) >= 20  # every call of the contract and the admin API is published
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            _check(case, fuzz_server, mode)

        try:
            run()
        except Unsatisfiable:
            # nothing to get wrong (no parameters, no body): no negative case exists
            assert mode is GenerationMode.NEGATIVE, operation.label
