"""Shops are isolated: through real HTTP, with two shops, every call of the contract made
with shop A's device token and A's staff token on shop B's cards, vouchers, codes and
staff. Each answers exactly as if B's row did not exist, and B's rows stay untouched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.api.conftest import Shop, make_shop, now
from tests.api.test_contract_recorded import CLIENT_CALLS

SEEN: set[tuple[str, str]] = set()  # (method, template) of every call made here

SAME_PIN = "55556666"  # both shops' staff may pick the same PIN


@dataclass
class World:
    a: Shop
    b: Shop
    a_staff: str  # staff session token in shop A
    b_staff: str
    b_cookie: dict  # B's milestone voucher (self-redeem, with a generated code)
    b_free: dict  # B's free voucher with a given code


def call(server, token: str, method: str, path: str, body: Any = None, **params) -> tuple:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"k-{now().timestamp()}"}
    r = requests.request(
        method, server.url + "/api/v1" + path, json=body, params=params, headers=headers, timeout=10
    )
    SEEN.update(
        (m, t)
        for m, t in CLIENT_CALLS
        if m == method and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", t), "/api/v1" + path)
    )
    return r.status_code, (r.json() if r.content else None)


def login(shop: Shop, pin: str) -> str:
    status, body = call(shop.server, shop.device_token, "POST", "/staff/sessions", {"pin": pin})
    assert status == 201, body
    return body["token"]


@pytest.fixture
def world(shop: Shop) -> World:
    a = shop
    b = make_shop(shop.server)  # made after A: B's program is the newest on the server
    a.staff(["*"], pin=SAME_PIN, name="Anna of A")
    b.staff(["*"], pin=SAME_PIN, name="Berit of B")
    zelda = b.new_card("Zelda", email="zelda@example.com", phone="+372 5555 1234")
    b.card_id, b.card_token = zelda["id"], zelda["token"]
    status, stamped = call(
        b.server,
        b.device_token,
        "POST",
        f"/cards/{b.card_id}/stamps",
        {"count": 3, "occurred_at": now().isoformat()},
    )
    assert status == 201, stamped
    b_staff = login(b, SAME_PIN)
    status, free = call(
        b.server, b_staff, "POST", "/vouchers", {"title": "B gift", "redeem_code": "SHOPBGIFT1"}
    )
    assert status == 201, free
    return World(a, b, login(a, SAME_PIN), b_staff, stamped["unlocked_vouchers"][0], free)


def like_missing(w: World, token: str, method: str, path: str, missing: str, body=None):
    """B's row through A's token answers exactly like a row that does not exist."""
    real = call(w.a.server, token, method, path, body)
    ghost = call(w.a.server, token, method, path.replace(missing, "ZZZZZZZZZZ"), body)
    assert real[0] == 404, (path, real)
    assert real == ghost, (path, real, ghost)
    return real


def test_a_kiosk_of_shop_a_reaches_nothing_of_shop_b(world: World):
    check_cards_and_vouchers(world)


def check_cards_and_vouchers(w: World) -> None:
    for token in (w.a.device_token, w.a_staff):
        like_missing(w, token, "GET", f"/cards/by-token/{w.b.card_token}", w.b.card_token)
        like_missing(w, token, "GET", f"/cards/{w.b.card_id}/vouchers", w.b.card_id)
        stamp = {"count": 1, "occurred_at": now().isoformat()}
        like_missing(w, token, "POST", f"/cards/{w.b.card_id}/stamps", w.b.card_id, stamp)
        for v in (w.b_cookie, w.b_free):
            like_missing(w, token, "GET", f"/vouchers/{v['id']}", v["id"])
            code = v["redeem_code"]["value"]
            like_missing(w, token, "GET", f"/vouchers/by-code/{code}", code)
            redeem = {"occurred_at": now().isoformat()}
            like_missing(w, token, "POST", f"/vouchers/{v['id']}/redeem", v["id"], redeem)
    # B's card and vouchers are untouched
    card = w.b.card_admin(w.b.card_id)
    assert card["stamps"] == 3 and len(card["ledger"]) == 1
    assert all(v["redeemed_at"] is None for v in card["vouchers"])
    assert call(w.b.server, w.b_staff, "GET", f"/vouchers/{w.b_free['id']}")[1]["state"] == "active"


def test_staff_of_shop_a_cannot_search_or_issue_into_shop_b(world: World):
    check_search_and_issue(world)


def check_search_and_issue(w: World) -> None:
    status, found = call(w.a.server, w.a_staff, "GET", "/cards/search", q="Zelda")
    assert status == 200 and found["cards"] == []
    for q in ("zelda@example.com", "1234", w.b.card_token):
        assert call(w.a.server, w.a_staff, "GET", "/cards/search", q=q)[1]["cards"] == []
    assert [
        c["id"] for c in call(w.b.server, w.b_staff, "GET", "/cards/search", q="Zelda")[1]["cards"]
    ] == [w.b.card_id]
    onto_b = {"title": "Sneaky", "card_id": w.b.card_id}
    like_missing(w, w.a_staff, "POST", "/vouchers", w.b.card_id, onto_b)
    # a code B uses is free in A: no 409 that would reveal B's code
    status, mine = call(
        w.a.server, w.a_staff, "POST", "/vouchers", {"title": "A gift", "redeem_code": "SHOPBGIFT1"}
    )
    assert status == 201, mine
    assert (
        call(w.a.server, w.a.device_token, "GET", "/vouchers/by-code/SHOPBGIFT1")[1]["id"]
        == (mine["id"])
    )
    assert (
        call(w.b.server, w.b.device_token, "GET", "/vouchers/by-code/SHOPBGIFT1")[1]["id"]
        == (w.b_free["id"])
    )
    assert len(w.b.card_admin(w.b.card_id)["vouchers"]) == 1


def test_staff_log_in_only_at_their_own_shops_kiosks(world: World):
    check_staff_sessions(world)


def check_staff_sessions(w: World) -> None:
    b_only = w.b.staff(["*"], name="Only B")
    status, body = call(w.a.server, w.a.device_token, "POST", "/staff/sessions", {"pin": b_only})
    assert (status, body["code"]) == (401, "unauthorized")
    # the same PIN opens each shop's own staff member at each shop's kiosk
    status, a_session = call(
        w.a.server, w.a.device_token, "POST", "/staff/sessions", {"pin": SAME_PIN}
    )
    assert a_session["staff_name"] == "Anna of A"
    status, b_session = call(
        w.b.server, w.b.device_token, "POST", "/staff/sessions", {"pin": SAME_PIN}
    )
    assert b_session["staff_name"] == "Berit of B"
    # logging out in A ends A's session only
    assert call(w.a.server, w.a_staff, "DELETE", "/staff/sessions/current")[0] == 204
    assert call(w.b.server, w.b_staff, "GET", "/cards/search", q="Zelda")[0] == 200


def test_device_settings_pairing_and_heartbeat_stay_in_the_shop(world: World):
    check_devices(world)


def check_devices(w: World) -> None:
    status, settings = call(w.a.server, w.a.device_token, "GET", "/device")
    assert settings["stamp_rule"]["program_id"] == w.a.program_id  # not B's newer program
    assert (
        call(w.a.server, w.a.device_token, "POST", "/device/heartbeat", {"queue_depth": 0})[0]
        == 200
    )
    code = w.b.server.admin("POST", "/admin/pairing-codes", {"shop_id": w.b.shop_id})
    assert code["shop_id"] == w.b.shop_id
    pair = {"pairing_code": code["code"], "device_name": "b2", "hardware": {}}
    b2 = call(w.b.server, "", "POST", "/devices/pair", pair)[1]["device_token"]
    assert call(w.b.server, b2, "GET", "/device")[1]["stamp_rule"]["program_id"] == w.b.program_id
    assert call(w.b.server, b2, "GET", f"/cards/by-token/{w.b.card_token}")[0] == 200
    assert call(w.b.server, b2, "GET", f"/cards/by-token/{w.a.card_token}")[0] == 404
    devices = {d["id"]: d for d in w.a.server.admin("GET", "/admin/devices")["devices"]}
    assert {d["shop_id"] for d in devices.values()} >= {w.a.shop_id, w.b.shop_id}


def test_admin_calls_check_the_shop(world: World):
    w, server = world, world.a.server
    r = requests.post(
        server.url + "/admin/programs",
        json={"name": "X", "goal": 3, "shop_id": "shp_missing"},
        headers={"X-Admin-Token": server.admin_token},
        timeout=5,
    )
    assert (r.status_code, r.json()["code"]) == (404, "shop_not_found")
    for path, body in (
        ("/admin/pairing-codes", {"shop_id": w.a.shop_id, "program_id": w.b.program_id}),
        ("/admin/cards", {"program_id": w.b.program_id, "first_name": "X", "shop_id": w.a.shop_id}),
    ):
        r = requests.post(
            server.url + path, json=body, headers={"X-Admin-Token": server.admin_token}, timeout=5
        )
        assert (r.status_code, r.json()["code"]) == (404, "program_not_found"), path
    assert w.b.card_admin(w.b.card_id)["shop_id"] == w.b.shop_id


def test_calls_without_a_shop_id_use_the_default_shop(refserver):
    """Today's callers (no shop_id anywhere) keep working, all inside the default shop."""
    pid = refserver.program()
    card = refserver.card(pid, "Mari")
    refserver.admin("POST", "/admin/staff", {"name": "D", "pin": "24681357", "permissions": ["*"]})
    device = refserver.pair_device()
    status, body = call(refserver, device, "GET", f"/cards/by-token/{card['token']}")
    assert status == 200 and body["id"] == card["id"]
    staff = call(refserver, device, "POST", "/staff/sessions", {"pin": "24681357"})[1]["token"]
    assert (
        call(refserver, staff, "GET", "/cards/search", q="Mari")[1]["cards"][0]["id"] == card["id"]
    )
    other = make_shop(refserver)
    assert call(refserver, other.device_token, "GET", f"/cards/by-token/{card['token']}")[0] == 404


def test_every_call_of_the_contract_is_tried_across_shops(world: World):
    SEEN.clear()
    for check in (check_cards_and_vouchers, check_search_and_issue, check_staff_sessions):
        check(world)
    check_devices(world)
    assert SEEN >= CLIENT_CALLS, CLIENT_CALLS - SEEN


def test_a_revoked_kiosk_and_its_staff_sessions_stop_at_once(world: World):
    """A stolen kiosk: the admin revokes it; its token and sessions opened on it are dead."""
    w = world
    device_id = call(w.a.server, w.a.device_token, "GET", "/device")[1]["device_id"]
    r = requests.delete(
        f"{w.a.server.url}/admin/devices/{device_id}",
        headers={"X-Admin-Token": w.a.server.admin_token},
        timeout=5,
    )
    assert r.status_code == 204
    assert call(w.a.server, w.a.device_token, "GET", "/device")[0] == 401
    assert call(w.a.server, w.a_staff, "GET", "/cards/search", q="Mari")[0] == 401
    assert call(w.b.server, w.b.device_token, "GET", "/device")[0] == 200
    assert w.a.card_admin()["stamps"] == 0  # its cards and ledger stay
