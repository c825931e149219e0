"""The contract slips schemathesis found, each pinned down through real HTTP: a 405
names the allowed methods, a bool is not a number, a whole number written as 108309.0
is the integer the schema says it is, and the pin-or-badge rule lives in the schema, so
the published schema and the server agree on every body below."""

from __future__ import annotations

import pytest
import requests

from kiosk.api import new_idempotency_key
from tests.api.conftest import Shop, now
from tests.api.test_contract_recorded import operation_for, validator


@pytest.fixture
def spec(shop: Shop) -> dict:
    return requests.get(shop.server.url + "/openapi.json", timeout=5).json()


def send(shop: Shop, method: str, path: str, body=None, token: str | None = None):
    headers = {"X-Admin-Token": shop.server.admin_token, "Idempotency-Key": new_idempotency_key()}
    if path.startswith("/api/"):
        headers["Authorization"] = f"Bearer {token or shop.device_token}"
    return requests.request(method, shop.server.url + path, json=body, headers=headers, timeout=10)


def agree(shop: Shop, spec: dict, method: str, path: str, body, *, valid: bool, token=None):
    """The schema says `valid` about this body, and the server answers accordingly."""
    _, op = operation_for(spec, method, path)
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert validator(spec, schema).is_valid(body) is valid, (path, body)
    r = send(shop, method, path, body, token)
    if valid:
        assert r.status_code < 300, (path, body, r.text)
    else:
        assert r.status_code == 422 and r.json()["code"] == "validation_error", (body, r.text)
    return r


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v1/device", {"GET"}),
        ("GET", "/api/v1/staff/sessions", {"POST"}),
        ("DELETE", "/admin/clock", {"GET", "POST"}),
    ],
)
def test_a_405_says_which_methods_exist(shop: Shop, method, path, allowed):
    r = send(shop, method, path)
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert {m.strip() for m in r.headers["Allow"].split(",")} >= allowed


def test_a_bool_is_not_a_number(shop: Shop, spec):
    before = shop.server.admin("GET", "/admin/clock")["offset_seconds"]
    for body in ({"advance_seconds": True}, {"offset_seconds": False}, {"offset_seconds": "5"}):
        agree(shop, spec, "POST", "/admin/clock", body, valid=False)
    assert shop.server.admin("GET", "/admin/clock")["offset_seconds"] == before
    agree(shop, spec, "POST", "/api/v1/device/heartbeat", {"uptime_s": True}, valid=False)
    agree(shop, spec, "POST", "/api/v1/device/heartbeat", {"uptime_s": 3}, valid=True)


def test_whole_numbers_written_with_a_point_are_integers(shop: Shop, spec):
    r = agree(shop, spec, "POST", "/admin/pairing-codes", {"ttl_seconds": 108309.0}, valid=True)
    assert r.status_code == 201
    program = {"name": "Floaty", "goal": 9.0, "cooldown_seconds": 0.0, "shop_id": shop.shop_id}
    agree(shop, spec, "POST", "/admin/programs", program, valid=True)
    agree(shop, spec, "POST", "/api/v1/device/heartbeat", {"queue_depth": 3.0}, valid=True)
    stamp = {"count": 1.0, "occurred_at": now().isoformat()}
    r = agree(shop, spec, "POST", f"/api/v1/cards/{shop.card_id}/stamps", stamp, valid=True)
    assert r.json()["card"]["stamps"] == 1
    for bad in (9.5, True, "9"):
        agree(shop, spec, "POST", "/admin/programs", {**program, "goal": bad}, valid=False)


def test_pin_or_badge_is_in_the_schema(shop: Shop, spec):
    login = "/api/v1/staff/sessions"
    for body in ({}, {"pin": "1234", "badge": "BADGE-1"}, {"pin": None}, {"badge": None}):
        agree(shop, spec, "POST", login, body, valid=False)
    pin = shop.staff(["*"], badge="BADGE-SLIPS-1")
    agree(shop, spec, "POST", login, {"pin": pin}, valid=True)
    agree(shop, spec, "POST", login, {"badge": "BADGE-SLIPS-1"}, valid=True)
    for body in ({"name": "Nobody"}, {"name": "Nulls", "pin": None, "badge": None}):
        agree(shop, spec, "POST", "/admin/staff", body, valid=False)
    only_badge = {"name": "Badge only", "badge": "BADGE-SLIPS-2", "shop_id": shop.shop_id}
    agree(shop, spec, "POST", "/admin/staff", only_badge, valid=True)
