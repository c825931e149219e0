"""The one-stamp rule, enforced by the server: a kiosk adds at most the program's
`max_stamps_per_scan` (default 1) per request; staff may add more, and each staff stamp
is recorded with the staff member who gave it."""

from __future__ import annotations

import pytest
import requests

from kiosk.api import errors, new_idempotency_key
from tests.api.conftest import make_shop, now


def stamp(client, card_id, count):
    return client.add_stamp(
        card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=count
    )


def default_shop(server):
    """A shop whose program leaves max_stamps_per_scan at its default."""
    shop = make_shop(server)
    pid = server.admin(
        "POST",
        "/admin/programs",
        {
            "name": "Default rule",
            "goal": 9,
            "shop_id": shop.shop_id,
            "milestones": [{"stamps": 3, "title": "Cookie"}, {"stamps": 6, "title": "Cake"}],
        },
    )["id"]
    card = server.card(pid, "Mari")
    return shop, card["id"]


def test_a_kiosk_adds_one_stamp_per_scan_by_default(shared_refserver):
    shop, card_id = default_shop(shared_refserver)
    with pytest.raises(errors.InvalidRequest) as exc:
        stamp(shop.client, card_id, 6)  # would unlock two vouchers in one request
    assert exc.value.status == 422 and exc.value.problem["max_stamps_per_scan"] == 1
    assert "count" in str(exc.value)
    card = shop.card_admin(card_id)
    assert (card["stamps"], card["ledger"], card["vouchers"]) == (0, [], [])
    assert stamp(shop.client, card_id, 1).card.stamps == 1
    assert shop.client.device().stamp_rule["max_stamps_per_scan"] == 1  # the shop's newest


def test_a_program_may_allow_more_per_scan(shared_refserver):
    shop = make_shop(shared_refserver, max_stamps_per_scan=3)
    assert stamp(shop.client, shop.card_id, 3).card.stamps == 3
    with pytest.raises(errors.InvalidRequest) as exc:
        stamp(shop.client, shop.card_id, 4)
    assert exc.value.problem["max_stamps_per_scan"] == 3
    assert shop.card_admin()["total_stamps"] == 3


def test_staff_may_add_more_and_their_stamps_carry_their_name(shared_refserver):
    shop, card_id = default_shop(shared_refserver)
    staff = shop.client.staff_login(pin=shop.staff(["*"], name="Anna"))
    r = requests.post(
        f"{shop.server.url}/api/v1/cards/{card_id}/stamps",
        json={"count": 6, "occurred_at": now().isoformat(), "channel": "staff"},
        headers={"Authorization": f"Bearer {staff.token}", "Idempotency-Key": "staff-6"},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    assert r.json()["card"]["stamps"] == 6 and len(r.json()["unlocked_vouchers"]) == 2
    stamp(shop.client, card_id, 1)
    ledger = shop.card_admin(card_id)["ledger"]
    assert [(e["count"], e["staff_id"]) for e in ledger] == [(6, staff.staff_id), (1, None)]
