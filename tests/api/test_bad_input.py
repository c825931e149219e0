"""Bad requests get a 4xx problem+json with a stable code, never a 500 or an HTML page;
and no token ever reaches the server's log."""

from __future__ import annotations

import pytest
import requests

from tests.api.conftest import Shop, now

PROBLEM = "application/problem+json"


def call(shop: Shop, method: str, path: str, *, auth: bool = True, **kw) -> requests.Response:
    headers = kw.pop("headers", {})
    if auth:
        headers["Authorization"] = f"Bearer {shop.device_token}"
    return requests.request(method, shop.server.url + path, headers=headers, timeout=5, **kw)


def assert_problem(r: requests.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["code"] == code and body["status"] == status and body["title"]
    return body


@pytest.mark.parametrize("raw", [b"{", b"not json", b'{"count": 1,}', b"\xff\xfe"])
def test_malformed_json(shop: Shop, raw: bytes):
    r = call(
        shop,
        "POST",
        f"/api/v1/cards/{shop.card_id}/stamps",
        data=raw,
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= r.status_code < 500 and r.json()["code"] in ("malformed_json", "validation_error")
    assert r.headers["content-type"].startswith(PROBLEM)


def test_oversized_body_by_length_and_by_chunks(shop: Shop):
    big = b'{"details": {"x": "' + b"a" * 70_000 + b'"}}'
    r = call(
        shop,
        "POST",
        "/api/v1/device/heartbeat",
        data=big,
        headers={"Content-Type": "application/json"},
    )
    assert_problem(r, 413, "payload_too_large")
    chunks = (big[i : i + 4096] for i in range(0, len(big), 4096))  # no Content-Length
    r = call(
        shop,
        "POST",
        "/api/v1/device/heartbeat",
        data=chunks,
        headers={"Content-Type": "application/json"},
    )
    assert_problem(r, 413, "payload_too_large")


def test_unknown_fields_are_rejected(shop: Shop):
    r = call(
        shop,
        "POST",
        f"/api/v1/cards/{shop.card_id}/stamps",
        json={"count": 1, "occurred_at": now().isoformat(), "bonus": 5},
    )
    body = assert_problem(r, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["body", "bonus"]
    assert shop.card_admin()["total_stamps"] == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"count": "1", "occurred_at": "2026-01-01T00:00:00Z"},  # number as a string
        {"count": 1.5, "occurred_at": "2026-01-01T00:00:00Z"},
        {"count": 0, "occurred_at": "2026-01-01T00:00:00Z"},
        {"count": 1, "occurred_at": "yesterday"},
        {"count": 1, "occurred_at": "2026-01-01T00:00:00"},  # no time zone
        {"count": 1, "occurred_at": "2026-01-01T00:00:00Z", "channel": "fax"},
        {"count": 1},
        [1, 2],
        None,
    ],
)
def test_wrong_types_are_422(shop: Shop, payload):
    r = call(shop, "POST", f"/api/v1/cards/{shop.card_id}/stamps", json=payload)
    assert_problem(r, 422, "validation_error")


def test_missing_or_wrong_auth_is_401_everywhere(shop: Shop):
    paths = [
        ("GET", "/api/v1/device"),
        ("POST", "/api/v1/device/heartbeat"),
        ("GET", f"/api/v1/cards/by-token/{shop.card_token}"),
        ("POST", f"/api/v1/cards/{shop.card_id}/stamps"),
        ("GET", f"/api/v1/cards/{shop.card_id}/vouchers"),
        ("GET", "/api/v1/cards/search?q=ab"),
        ("GET", "/api/v1/vouchers/by-code/ABCD"),
        ("GET", "/api/v1/vouchers/v1"),
        ("POST", "/api/v1/vouchers/v1/redeem"),
        ("POST", "/api/v1/staff/sessions"),
        ("POST", "/api/v1/vouchers"),
    ]
    body = {"count": 1, "occurred_at": now().isoformat()}
    for method, path in paths:
        assert_problem(call(shop, method, path, auth=False, json=body), 401, "unauthorized")
        r = call(
            shop,
            method,
            path,
            auth=False,
            json=body,
            headers={"Authorization": "Bearer wrong-token"},
        )
        assert_problem(r, 401, "unauthorized")
        r = call(shop, method, path, auth=False, json=body, headers={"Authorization": "Basic eDp5"})
        assert_problem(r, 401, "unauthorized")


def test_admin_api_needs_the_admin_token(shop: Shop):
    for headers in ({}, {"X-Admin-Token": "wrong"}):
        r = requests.post(
            shop.server.url + "/admin/programs",
            json={"name": "x", "goal": 3},
            headers=headers,
            timeout=5,
        )
        assert_problem(r, 401, "unauthorized")
    r = call(shop, "GET", "/admin/devices")  # a device token is not an admin token
    assert_problem(r, 401, "unauthorized")


def test_unknown_path_and_method(shop: Shop):
    assert_problem(call(shop, "GET", "/api/v1/nope"), 404, "not_found")
    assert_problem(call(shop, "DELETE", "/api/v1/device"), 405, "method_not_allowed")


def test_bad_path_values(shop: Shop):
    assert_problem(
        call(shop, "GET", "/api/v1/cards/by-token/" + "x" * 300), 422, "validation_error"
    )
    r = call(shop, "GET", "/api/v1/cards/by-token/%00%ff'%20OR%201=1")
    assert_problem(r, 404, "card_not_found")


def test_bad_idempotency_key_header(shop: Shop):
    r = call(
        shop,
        "POST",
        f"/api/v1/cards/{shop.card_id}/stamps",
        json={"count": 1, "occurred_at": now().isoformat()},
        headers={"Idempotency-Key": "x" * 300},
    )
    assert_problem(r, 422, "validation_error")


def test_admin_validation(shop: Shop):
    h = {"X-Admin-Token": shop.server.admin_token}
    bad = [
        ("/admin/programs", {"name": "x", "goal": 3, "milestones": [{"stamps": 4, "title": "t"}]}),
        (
            "/admin/programs",
            {
                "name": "x",
                "goal": 3,
                "milestones": [{"stamps": 2, "title": "a"}, {"stamps": 2, "title": "b"}],
            },
        ),
        ("/admin/programs", {"name": "x", "goal": "3"}),
        ("/admin/staff", {"name": "x", "permissions": []}),
        ("/admin/staff", {"name": "x", "pin": "12", "permissions": []}),
        ("/admin/clock", {"offset_seconds": 1e300}),
    ]
    for path, body in bad:
        r = requests.post(shop.server.url + path, json=body, headers=h, timeout=5)
        assert_problem(r, 422, "validation_error")
    r = requests.post(
        shop.server.url + "/admin/cards",
        json={"program_id": "prg_x", "first_name": "A"},
        headers=h,
        timeout=5,
    )
    assert_problem(r, 404, "program_not_found")


def test_no_token_or_pin_in_the_server_log(shop: Shop):
    pin = shop.staff(["search_cards"])
    session = shop.client.staff_login(pin=pin)
    shop.client.card_by_token(shop.card_token)
    call(shop, "POST", "/api/v1/staff/sessions", json={"pin": "99999999"})
    log = shop.server.db.with_suffix(".log").read_text()
    assert "/api/v1/cards/by-token/{token}" in log  # the route template, not the value
    for secret in (shop.device_token, session.token, shop.card_token, pin, shop.server.admin_token):
        assert secret not in log


def test_an_unknown_query_parameter_is_refused_by_name(shop: Shop):
    """A misspelt parameter used to be ignored (the call answered as if it were not given)."""
    r = call(shop, "GET", f"/api/v1/cards/by-token/{shop.card_token}", params={"fresh": "1"})
    body = assert_problem(r, 422, "validation_error")
    assert body["errors"] == [
        {"loc": ["query", "fresh"], "msg": "unknown query parameter", "type": "extra_forbidden"}
    ]
    assert call(shop, "GET", f"/api/v1/cards/by-token/{shop.card_token}").status_code == 200
    r = requests.get(
        shop.server.url + "/admin/clock", params={"offset": "5"}, timeout=5,
        headers={"X-Admin-Token": shop.server.admin_token},
    )  # fmt: skip
    assert_problem(r, 422, "validation_error")
    assert "offset" in r.json()["detail"]
