"""What the client really sends and parses, checked against the server's OpenAPI document.

A journey through every call of the client (successes and typed errors) is recorded at
the HTTP layer; each request body must validate against the operation's request schema
and each answer against the schema documented for its status and content type. So the
client, the server and the published contract cannot drift apart unnoticed."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import jsonschema_rs
import pytest
import requests

from kiosk.api import LoyaltyClient, errors, new_idempotency_key
from tests.api.conftest import Shop, now

CLIENT_CALLS = {
    ("POST", "/api/v1/devices/pair"),
    ("GET", "/api/v1/device"),
    ("POST", "/api/v1/device/heartbeat"),
    ("GET", "/api/v1/cards/by-token/{token}"),
    ("POST", "/api/v1/cards/{card_id}/stamps"),
    ("GET", "/api/v1/cards/{card_id}/vouchers"),
    ("GET", "/api/v1/cards/search"),
    ("GET", "/api/v1/vouchers/by-code/{code}"),
    ("GET", "/api/v1/vouchers/{voucher_id}"),
    ("POST", "/api/v1/vouchers/{voucher_id}/redeem"),
    ("POST", "/api/v1/staff/sessions"),
    ("DELETE", "/api/v1/staff/sessions/current"),
    ("POST", "/api/v1/vouchers"),
}


class Recorder:
    def __init__(self) -> None:
        self.responses: list[requests.Response] = []
        self.session = requests.Session()
        self.session.hooks["response"].append(lambda r, *a, **k: self.responses.append(r))


def journey(shop: Shop, rec: Recorder) -> None:
    """Every client call, with the error answers a kiosk meets in a day."""
    code = shop.server.admin("POST", "/admin/pairing-codes", {"shop_id": shop.shop_id})["code"]
    pairing = LoyaltyClient(shop.server.url, session=rec.session).pair(code, "rec", {"os": "x"})
    c = LoyaltyClient(shop.server.url, pairing.device_token, session=rec.session, retries=0)
    c.device()
    c.heartbeat({"app_version": "1", "uptime_s": 3.5, "queue_depth": 0, "camera": "ok"})
    card = c.card_by_token(shop.card_token)
    result = c.add_stamp(card.id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=6)
    cookie, cake = result.unlocked_vouchers
    c.card_vouchers(card.id)
    c.voucher(cookie.id)
    c.voucher_by_code(cookie.redeem_code.value)
    c.redeem(cookie.id, idempotency_key=new_idempotency_key(), occurred_at=now())
    pin = shop.staff(["*"])
    staff = c.staff_login(pin=pin)
    c.search_cards("Mari", staff=staff)
    c.issue_voucher(
        staff,
        {"title": "Gift", "card_id": card.id, "validity": "months:1"},
        idempotency_key=new_idempotency_key(),
    )
    day = (now() + timedelta(days=2)).date().isoformat()
    c.issue_voucher(
        staff,
        {
            "title": "Free",
            "redeem_code": {"generate": True, "symbology": "qr"},
            "validity": f"fixed_date:{day}",
        },
        idempotency_key=new_idempotency_key(),
    )
    c.redeem(cake.id, idempotency_key=new_idempotency_key(), occurred_at=now(), staff=staff)
    c.staff_logout(staff)
    failing = [
        lambda: c.card_by_token("missing-token-000000"),
        lambda: c.redeem(cookie.id, idempotency_key=new_idempotency_key(), occurred_at=now()),
        lambda: c.staff_login(pin="00000000"),
        lambda: c.heartbeat({"nope": 1}),
        lambda: c.voucher_by_code("NOPE"),
        lambda: LoyaltyClient(shop.server.url, session=rec.session).pair("BADCODE1", "x", {}),
        lambda: LoyaltyClient(shop.server.url, "wrong", session=rec.session, retries=0).device(),
    ]
    for call in failing:
        with pytest.raises(errors.ApiError):
            call()


def operation_for(spec: dict, method: str, path: str) -> tuple[str, dict]:
    for template, ops in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in ops:
            return template, ops[method.lower()]
    raise AssertionError(f"{method} {path} is not in the published contract")


def validator(spec: dict, schema: dict):
    return jsonschema_rs.Draft202012Validator(
        {**schema, "components": spec["components"]}, validate_formats=True
    )


def test_recorded_traffic_conforms_to_the_openapi_document(shop: Shop):
    spec = requests.get(shop.server.url + "/openapi.json", timeout=5).json()
    rec = Recorder()
    journey(shop, rec)
    seen = set()
    for r in rec.responses:
        path = requests.utils.urlparse(r.url).path
        template, op = operation_for(spec, r.request.method, path)
        seen.add((r.request.method, template))
        if r.request.body:
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            body = json.loads(r.request.body)
            if r.status_code < 300:  # what the server accepted, the contract allows
                validator(spec, schema).validate(body)
            elif r.json().get("code") == "validation_error":  # and what it refused, it forbids
                assert not validator(spec, schema).is_valid(body), body
        documented = op["responses"].get(str(r.status_code))
        assert documented, f"{r.request.method} {template}: {r.status_code} is not documented"
        if r.status_code == 204:
            continue
        ctype = r.headers["content-type"].split(";")[0]
        assert ctype in documented["content"], f"{template} {r.status_code}: {ctype}"
        validator(spec, documented["content"][ctype]["schema"]).validate(r.json())
    assert seen >= CLIENT_CALLS, CLIENT_CALLS - seen


def test_a_schema_violation_would_be_caught(shop: Shop):
    """The check above can fail: a card without its goal does not validate."""
    spec = requests.get(shop.server.url + "/openapi.json", timeout=5).json()
    _, op = operation_for(spec, "GET", "/api/v1/cards/by-token/abc")
    v = validator(spec, op["responses"]["200"]["content"]["application/json"]["schema"])
    with pytest.raises(jsonschema_rs.ValidationError):
        v.validate(
            {
                "id": "c",
                "display_name": "M",
                "program_name": "P",
                "stamps": 1,
                "milestones": [],
                "vouchers": [],
                "next_stamp_at": None,
            }
        )
