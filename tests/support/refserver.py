"""Start the reference loyalty server as a real subprocess on 127.0.0.1 for tests.

Real HTTP, real SQLite file: the same `kiosk server --port --db --admin-token` that
outside checks use. Restartable (stop/start keep the database) for offline tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from refserver.process import ServerProcess, free_port  # noqa: F401 - re-exported for tests


@dataclass
class RefServer:
    db: Path
    admin_token: str = "test-admin-token"
    port: int = field(default_factory=free_port)
    extra_args: list[str] = field(default_factory=list)
    proc: ServerProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> RefServer:
        if self.proc is None:
            self.proc = ServerProcess(
                self.db, port=self.port, args=["--admin-token", self.admin_token, *self.extra_args]
            )
        self.proc.start(timeout)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        """Call the admin API (X-Admin-Token); raise on a non-2xx answer."""
        r = requests.request(
            method,
            self.url + path,
            json=json,
            timeout=5,
            headers={"X-Admin-Token": self.admin_token},
        )
        if r.status_code >= 400:
            raise AssertionError(f"admin {method} {path} -> {r.status_code}: {r.text}")
        return r.json() if r.content else None

    # Shortcuts the tests of every layer use to set up a shop.
    def program(
        self,
        goal: int = 9,
        milestones: list[dict] | None = None,
        cooldown_seconds: int = 0,
        name: str = "Coffee",
        **extra: Any,
    ) -> str:
        """A program; `extra` takes shop_id, max_stamps_per_scan, ..."""
        ms = (
            milestones
            if milestones is not None
            else [
                {"stamps": 3, "title": "Free cookie", "redemption": "self_redeem"},
                {"stamps": 6, "title": "Free cake", "redemption": "staff_scan"},
                {"stamps": 9, "title": "Free coffee", "redemption": "self_redeem"},
            ]
        )
        return self.admin(
            "POST",
            "/admin/programs",
            {
                "name": name,
                "goal": goal,
                "milestones": ms,
                "cooldown_seconds": cooldown_seconds,
                **extra,
            },
        )["id"]

    def card(self, program_id: str, first_name: str = "Mari", **extra: Any) -> dict:
        return self.admin(
            "POST", "/admin/cards", {"program_id": program_id, "first_name": first_name, **extra}
        )

    def advance_clock(self, seconds: float) -> str:
        """Move the server's "now" forward (POST /admin/clock); returns the new now.

        Cooldowns, voucher validity, pairing codes, staff sessions and lockouts follow it,
        so tests never sleep. The offset survives stop()/start() (it lives in the db).
        """
        return self.admin("POST", "/admin/clock", {"advance_seconds": seconds})["now"]

    def shop(self, name: str = "Test shop") -> str:
        """A new shop (POST /admin/shops); its id."""
        return self.admin("POST", "/admin/shops", {"name": name})["id"]

    def pair_device(self, name: str = "test-kiosk", shop_id: str | None = None) -> str:
        """A device token, got through the real pairing call (default shop unless named)."""
        body = {"location_name": "Test shop", **({"shop_id": shop_id} if shop_id else {})}
        code = self.admin("POST", "/admin/pairing-codes", body)["code"]
        r = requests.post(
            self.url + "/api/v1/devices/pair",
            timeout=5,
            json={"pairing_code": code, "device_name": name, "hardware": {}},
        )
        r.raise_for_status()
        return r.json()["device_token"]
