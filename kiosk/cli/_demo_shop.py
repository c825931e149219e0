"""The demo shop: a reference server on a free 127.0.0.1 port, seeded through its admin API.

Why a subprocess: the server is the same `kiosk server` outside checks start, with its own
event loop, and the demo can stop it to show the offline path. Seeding uses the admin API
(HTTP with the X-Admin-Token, as the tests and outside checks do); the kiosk itself only
talks to the device API through kiosk.api.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.api.admin import AdminClient
from kiosk.api.client import LoyaltyClient
from kiosk.api.keys import new_idempotency_key
from kiosk.appliance.token_store import TokenStore
from refserver.process import ServerProcess, free_port

LANGS = ("en", "ko", "zh", "et")
FIRST_NAMES = {"en": "Mari", "ko": "지민", "zh": "小明", "et": "Jaan"}
A11Y_FORMS = ("large-text", "high-contrast", "low-reach")  # kiosk/ui/journey_access.py
PROGRAM = {
    "name": "Kohvik Mari coffee card",
    "goal": 9,
    "milestones": [
        {"stamps": 3, "title": "Free cookie", "redemption": "self_redeem"},
        {"stamps": 6, "title": "Free cake", "redemption": "staff_scan"},
        {"stamps": 9, "title": "Free coffee", "redemption": "self_redeem"},
    ],
    "cooldown_seconds": 600,
}
STAFF_PIN = "2468"


@dataclass
class DemoShop:
    folder: Path
    port: int = field(default_factory=free_port)
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    server: ServerProcess | None = None
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {id, token}
    device_token: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def card_url(self, name: str) -> str:
        return f"{self.url}/c/{self.cards[name]['token']}"

    # -- server -------------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> DemoShop:
        self.server = ServerProcess(
            self.folder / "shop.sqlite",
            port=self.port,
            log_path=self.folder / "server.log",
            args=["--log-level", "warning"],
            env={"REFSERVER_ADMIN_TOKEN": self.admin_token},  # not on the command line
        )
        self.server.start(timeout)
        self._admin = AdminClient(self.url, self.admin_token)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        return self._admin.call(method, path, body)

    # -- seeding --------------------------------------------------------------------------

    def seed(self, token_file: Path) -> DemoShop:
        """Program 3/6/9, a card per language two stamps short of... one stamp short of
        the first reward, fresh cards for the offline step, a staff PIN, and pairing."""
        program = self.admin("POST", "/admin/programs", PROGRAM)["id"]
        for lang in LANGS:
            self.cards[f"reward-{lang}"] = self.admin(
                "POST", "/admin/cards", {"program_id": program, "first_name": FIRST_NAMES[lang]}
            )
            self.cards[f"offline-{lang}"] = self.admin(
                "POST", "/admin/cards", {"program_id": program, "first_name": FIRST_NAMES[lang]}
            )
            for form in A11Y_FORMS:  # the accessibility journey's cards (journey_access.py)
                self.cards[f"a11y-{form}-{lang}"] = self.admin(
                    "POST", "/admin/cards", {"program_id": program, "first_name": FIRST_NAMES[lang]}
                )
        self.admin(
            "POST", "/admin/staff", {"name": "Demo staff", "pin": STAFF_PIN, "permissions": ["*"]}
        )
        code = self.admin("POST", "/admin/pairing-codes", {"location_name": "Kohvik Mari"})["code"]
        pairing = LoyaltyClient(self.url).pair(code, "demo-kiosk", {"model": "demo"})
        self.device_token = pairing.device_token
        TokenStore(token_file).write(pairing.device_token)  # 0600 from the first byte
        self._two_stamps_each()
        return self

    def _two_stamps_each(self) -> None:
        """Stamps in the past (the server's test clock), so the cooldown has passed now."""
        client = LoyaltyClient(self.url, self.device_token)
        for offset in (-1300, -650):
            now = self.admin("POST", "/admin/clock", {"offset_seconds": offset})["now"]
            from kiosk.api.models import parse_time

            at = parse_time(now)
            assert at is not None, f"the server's clock answered {now!r}"
            for name in [n for n in self.cards if n.startswith(("reward-", "a11y-"))]:
                client.add_stamp(
                    self.cards[name]["id"],
                    idempotency_key=new_idempotency_key(),
                    occurred_at=at,
                )
        self.admin("POST", "/admin/clock", {"offset_seconds": 0})
