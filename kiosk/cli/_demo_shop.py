"""The demo shop: a reference server on a free 127.0.0.1 port, seeded through its admin API.

Why a subprocess: the server is the same `kiosk server` outside checks start, with its own
event loop, and the demo can stop it to show the offline path. Seeding uses the admin API
(HTTP with the X-Admin-Token, as the tests and outside checks do); the kiosk itself only
talks to the device API through kiosk.api.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.api.admin import AdminClient
from kiosk.api.client import LoyaltyClient
from kiosk.api.keys import new_idempotency_key
from kiosk.api.models import parse_time
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
    "daily_limit": 3,  # the third stamp of a day is the last (the demo's "see you tomorrow")
    "birthday_voucher": {"title": "Birthday cake", "days_valid": 14, "window_days": 7},
}
# The daily-limit journey's cards: no cooldown, so the journey fills their day with three
# stamps just before it scans one. Why not stamps seeded in the past (the other cards' way):
# three stamps 600 s apart reach back half an hour, into yesterday when the demo runs just
# after midnight, and the scan then stamped instead of saying "see you tomorrow".
LIMIT_PROGRAM = {
    "name": "Kohvik Mari coffee card",
    "goal": 9,
    "cooldown_seconds": 0,
    "daily_limit": 3,
}
STAFF_PIN = "2468"
# the phone-stamp journey's numbers (the kiosk's pad prefix is +372)
PHONES = {"en": "+37250000001", "ko": "+37250000002", "zh": "+37250000003", "et": "+37250000004"}
# A lottery card: the third stamp spins. The demo's server draws from a fixed seed (never a
# real shop's: REFSERVER_LOTTERY_SEED), picked so the scripted journey's spins alternate
# win / try again in every language (a real server draws with the CSPRNG). A scan missed
# under load shifts the sequence: the journey then spins more cards until it has both.
LOTTERY_PROGRAM = {
    "name": "Kohvik Mari lucky card",
    "goal": 5,
    "milestones": [
        {
            "stamps": 3,
            "title": "Lucky spin",
            "redemption": "lottery",
            "variants": [
                {"kind": "award", "title": "Free coffee", "probability": 25},
                {"kind": "voucher", "title": "Half-price cake", "probability": 25},
                {"kind": "try_again", "title": "Try again", "probability": 50},
            ],
        }
    ],
    "cooldown_seconds": 0,  # the offline step stamps a card the journey scanned just before
}
LOTTERY_SEED = "demo-305"
SPINS = 6  # lottery cards per language: the journey spins until it showed both outcomes
LOTTERY_CARDS = (*(f"lottery-{n}" for n in range(SPINS)), "lottery-offline")


def _today() -> str:
    """MM-DD of today on the demo server's clock (UTC, its default shop's time zone)."""
    return datetime.now(UTC).strftime("%m-%d")


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
            env={  # the token not on the command line
                "REFSERVER_ADMIN_TOKEN": self.admin_token,
                "REFSERVER_LOTTERY_SEED": LOTTERY_SEED,
                "REFSERVER_MEDIA_DIR": str(self.folder / "media"),  # slides, logo
            },
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
        lucky = self.admin("POST", "/admin/programs", LOTTERY_PROGRAM)["id"]  # before: the
        limited = self.admin("POST", "/admin/programs", LIMIT_PROGRAM)["id"]
        program = self.admin("POST", "/admin/programs", PROGRAM)["id"]  # newest is the kiosk's
        for lang in LANGS:
            for name in LOTTERY_CARDS:
                self.cards[f"{name}-{lang}"] = self.admin(
                    "POST", "/admin/cards", {"program_id": lucky, "first_name": FIRST_NAMES[lang]}
                )
            self.cards[f"birthday-{lang}"] = self.admin(  # the server's today (UTC): the gift
                "POST",
                "/admin/cards",
                {"program_id": program, "first_name": FIRST_NAMES[lang], "birthday": _today()},
            )
            self.cards[f"reward-{lang}"] = self.admin(
                "POST", "/admin/cards", {"program_id": program, "first_name": FIRST_NAMES[lang]}
            )
            self.cards[f"offline-{lang}"] = self.admin(
                "POST", "/admin/cards", {"program_id": program, "first_name": FIRST_NAMES[lang]}
            )
            self.cards[f"limit-{lang}"] = self.admin(
                "POST", "/admin/cards", {"program_id": limited, "first_name": FIRST_NAMES[lang]}
            )
            self.cards[f"phone-{lang}"] = self.admin(
                "POST",
                "/admin/cards",
                {"program_id": program, "first_name": FIRST_NAMES[lang], "phone": PHONES[lang]},
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
        self._cake_cards(program)
        self._slides()
        return self

    def _slides(self) -> None:
        """Two attract slides, drawn here and served by the demo server (/media)."""
        from kiosk.cli._demo_media import LOGO, SLIDES, draw_media

        draw_media(self.folder / "media")
        for name, _colours, _words in SLIDES:
            slide = {"image_url": f"{self.url}/media/{name}", "seconds": 4}
            self.admin("POST", "/admin/slides", slide)
        look = {  # a deep green with the kiosk's amber: both pass the contrast check
            "logo_url": f"{self.url}/media/{LOGO}",
            "primary": "#123A2E",
            "accent": "#F2B33D",
            "voucher_images": [{"stamps": 3, "image_url": f"{self.url}/media/{SLIDES[1][0]}"}],
        }
        self.admin("POST", "/admin/branding", look)

    def _cake_cards(self, program: str) -> None:
        """A card per language whose 'Free cake' (staff-scan) voucher waits for the barista,
        reached by six stamps a staff member added by hand."""
        client = LoyaltyClient(self.url, self.device_token)
        staff = client.staff_login(pin=STAFF_PIN)
        for lang in LANGS:
            card = self.admin(
                "POST", "/admin/cards", {"program_id": program, "first_name": FIRST_NAMES[lang]}
            )
            self.cards[f"cake-{lang}"] = card
            at = parse_time(self.admin("GET", "/admin/clock")["now"])
            assert at is not None
            client.staff_add_stamps(
                staff,
                card["id"],
                count=6,
                reason="goodwill: demo",
                idempotency_key=new_idempotency_key(),
                occurred_at=at,
            )
        client.staff_logout(staff)

    def cake_code(self, lang: str) -> str:
        """The redeem code of the cake card's staff-scan voucher (what its QR holds)."""
        card = self.admin("GET", f"/admin/cards/{self.cards[f'cake-{lang}']['id']}")
        cake = next(v for v in card["vouchers"] if v["redemption"] == "staff_scan")
        return str(cake["redeem_code"]["value"])

    def fill_day(self, name: str) -> None:
        """Give card `name` today's last stamps now (its program's daily_limit, no cooldown)."""
        client = LoyaltyClient(self.url, self.device_token)
        for _ in range(int(LIMIT_PROGRAM["daily_limit"])):
            key, at = new_idempotency_key(), datetime.now(UTC)
            client.add_stamp(self.cards[name]["id"], idempotency_key=key, occurred_at=at)

    def _two_stamps_each(self) -> None:
        """Stamps in the past (the server's test clock), so the cooldown has passed now."""
        client = LoyaltyClient(self.url, self.device_token)
        for offset in (-1300, -650):
            now = self.admin("POST", "/admin/clock", {"offset_seconds": offset})["now"]
            at = parse_time(now)
            assert at is not None, f"the server's clock answered {now!r}"
            # lottery-offline gets one: the journey scans it online once (the kiosk then
            # knows the card), and offline the next stamp reaches the spin; the
            # accessibility journey's cards get two, like the reward cards
            names = ("reward", *LOTTERY_CARDS[: None if offset == -650 else SPINS])
            keys = [f"{n}-{lang}" for n in names for lang in LANGS]
            keys += [k for k in self.cards if k.startswith("a11y-")]
            for key in keys:
                client.add_stamp(
                    self.cards[key]["id"],
                    idempotency_key=new_idempotency_key(),
                    occurred_at=at,
                )
        self.admin("POST", "/admin/clock", {"offset_seconds": 0})
