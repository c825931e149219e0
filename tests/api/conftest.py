"""Fixtures for the API tests: a shop on a running reference server, and the client to it.

`shop` uses the session-wide server (each test makes a shop of its own with its program,
card, device and staff, so tests do not see each other's data); `fresh_shop` gets a
server of its own, for tests that move the server's clock or count rows. The programs
take up to 10 stamps per scan, so tests can reach a milestone in one call; the default
of one is tested in test_stamp_rules.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from kiosk.api import LoyaltyClient
from tests.support.refserver import RefServer

MILESTONES = [
    {"stamps": 3, "title": "Free cookie", "redemption": "self_redeem"},
    {"stamps": 6, "title": "Free cake", "redemption": "staff_scan"},
    {"stamps": 9, "title": "Free coffee", "redemption": "self_redeem"},
]


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Shop:
    server: RefServer
    program_id: str
    card_id: str
    card_token: str
    device_token: str
    client: LoyaltyClient
    shop_id: str

    def new_card(self, first_name: str = "Mari", **extra) -> dict:
        return self.server.card(self.program_id, first_name, **extra)

    def new_client(self, **kw) -> LoyaltyClient:
        return LoyaltyClient(self.server.url, self.server.pair_device(shop_id=self.shop_id), **kw)

    def staff(self, permissions: list[str], **extra) -> str:
        """A staff member with a fresh random PIN (PINs are unique per server); returns it."""
        pin = extra.pop("pin", None) or f"{secrets.randbelow(10**8):08d}"
        self.server.admin(
            "POST",
            "/admin/staff",
            {
                "name": extra.pop("name", "Anna"),
                "pin": pin,
                "permissions": permissions,
                "shop_id": self.shop_id,
                **extra,
            },
        )
        return pin

    def advance(self, seconds: float) -> None:
        """Move the server's clock forward (POST /admin/clock); nothing sleeps."""
        self.server.advance_clock(seconds)

    def card_admin(self, card_id: str | None = None) -> dict:
        return self.server.admin("GET", f"/admin/cards/{card_id or self.card_id}")


def make_shop(server: RefServer, cooldown_seconds: int = 0, **program: object) -> Shop:
    shop_id = server.shop()
    program = {"max_stamps_per_scan": 10, **program}
    pid = server.program(
        goal=9,
        milestones=MILESTONES,
        cooldown_seconds=cooldown_seconds,
        shop_id=shop_id,
        **program,
    )
    card = server.card(pid, "Mari", last_name="Tamm", email="mari@example.com")
    token = server.pair_device(shop_id=shop_id)
    client = LoyaltyClient(server.url, token, retries=0)
    return Shop(server, pid, card["id"], card["token"], token, client, shop_id)


@pytest.fixture
def shop(shared_refserver: RefServer) -> Shop:
    return make_shop(shared_refserver)


@pytest.fixture
def fresh_shop(refserver: RefServer) -> Shop:
    return make_shop(refserver)
