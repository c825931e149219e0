"""Staff PIN figures on this machine: what an attacker gets, and what a login costs.

- guesses per minute for the insider's interleaving attack (guess, log in with one's own
  PIN, guess again, waiting exactly as long as the server says), in real time;
- the stored PIN hash: cost of one guess in ms (median of 20), its kind;
- a staff login's time with N staff in the kiosk's shop (each is tried: one hash each).

Run: .venv/bin/python bench/staff_login.py [--seconds 60] [--staff 10]
Uses only calls that existed before shops, so the same script measures an older checkout
(`PYTHONPATH=/path/to/old/checkout`). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refserver.process import ServerProcess  # noqa: E402

ADMIN = "bench-admin-token"
OWN_PIN, ADMIN_PIN = "11112222", "73194826"


class Shop:
    def __init__(self, url: str) -> None:
        self.url = url

    def admin(self, path: str, body: dict) -> dict:
        r = requests.post(self.url + path, json=body, headers={"X-Admin-Token": ADMIN}, timeout=60)
        r.raise_for_status()
        return r.json()

    def device(self) -> str:
        code = self.admin("/admin/pairing-codes", {})["code"]
        body = {"pairing_code": code, "device_name": "bench", "hardware": {}}
        r = requests.post(self.url + "/api/v1/devices/pair", json=body, timeout=10)
        return r.json()["device_token"]

    def login(self, token: str, pin: str) -> requests.Response:
        return requests.post(
            self.url + "/api/v1/staff/sessions",
            json={"pin": pin},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )


def interleaving_attack(shop: Shop, seconds: float) -> tuple[int, float, bool]:
    """Guesses the server evaluated, in how many seconds, and whether the admin PIN (the
    48th guess) was found; the attack stops there or after `seconds`."""
    token, guess, tried = shop.device(), 0, 0
    start = time.monotonic()
    end = start + seconds
    while time.monotonic() < end:
        pin = f"{guess:08d}" if tried < 47 else ADMIN_PIN
        r = shop.login(token, pin)
        if r.status_code == 429:
            time.sleep(min(float(r.headers.get("Retry-After", "1")), end - time.monotonic()))
            continue
        if r.status_code == 201:
            return tried + 1, time.monotonic() - start, True
        tried, guess = tried + 1, guess + 1
        shop.login(token, OWN_PIN)  # the "reset"
    return tried, time.monotonic() - start, False


def hash_cost(db: Path) -> tuple[str, float]:
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT pin_hash FROM staff WHERE pin_hash IS NOT NULL").fetchone()[0]
    conn.close()
    if stored.startswith("scrypt$"):
        from refserver.crypto import verify_secret

        check, kind = (lambda: verify_secret(OWN_PIN, stored)), "scrypt " + stored.split("$")[1]
    else:
        import hashlib

        check, kind = (lambda: hashlib.pbkdf2_hmac("sha256", b"1", b"s" * 16, 60_000)), "pbkdf2"
    times = []
    for _ in range(20):
        start = time.perf_counter()
        check()
        times.append((time.perf_counter() - start) * 1000)
    return kind, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--staff", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ref.sqlite"
        server = ServerProcess(db, args=["--admin-token", ADMIN, "--log-level", "warning"])
        server.start()
        try:
            shop = Shop(server.url)
            shop.admin("/admin/staff", {"name": "Insider", "pin": OWN_PIN, "permissions": []})
            shop.admin("/admin/staff", {"name": "Boss", "pin": ADMIN_PIN, "permissions": ["*"]})
            tried, took_s, found = interleaving_attack(shop, args.seconds)
            rate = tried / took_s * 60
            print(
                f"interleaving attack: {tried} guesses in {took_s:.1f} s = {rate:.0f}/min;"
                f" admin PIN (guess 48) found: {found}"
            )
            kind, ms = hash_cost(db)
            print(f"stored PIN hash: {kind}, one guess {ms:.1f} ms (median of 20)")
            for n in range(args.staff - 2):
                shop.admin(
                    "/admin/staff", {"name": f"S{n}", "pin": f"{90000000 + n}", "permissions": []}
                )
            token, took, last = shop.device(), [], f"{90000000 + args.staff - 3}"
            for _ in range(5):  # the newest member's PIN: every other member is tried first
                start = time.perf_counter()
                shop.login(token, last)
                took.append((time.perf_counter() - start) * 1000)
            print(
                f"login of the last of {args.staff} staff in the shop: "
                f"{statistics.median(took):.0f} ms (median of 5)"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
