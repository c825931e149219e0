"""Staff PINs at rest: a salt of its own per secret, scrypt (memory-hard), an optional
pepper from the server's config, and the slow hashing never done under the write lock.
Staff are made through the real admin API; the stored hashes are read from the real
SQLite file, as a thief with a copy of it would read them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from kiosk.api import LoyaltyClient, errors, new_idempotency_key
from refserver.crypto import verify_secret
from tests.api.conftest import make_shop, now
from tests.support.refserver import RefServer

PIN = "13572468"
# These read the SQLite file itself; on the PostgreSQL run of this suite there is none.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("KIOSK_TEST_POSTGRES")), reason="reads the SQLite file directly"
)


def stored(db: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT name, pin_hash, badge_hash FROM staff ORDER BY name").fetchall()
    finally:
        conn.close()


def staff(server: RefServer, name: str, shop_id: str | None = None, **secrets: str) -> None:
    body = {"name": name, "permissions": ["*"], **secrets}
    server.admin("POST", "/admin/staff", {**body, **({"shop_id": shop_id} if shop_id else {})})


def test_every_secret_has_its_own_salt_and_a_memory_hard_hash(refserver):
    other_shop = refserver.shop("Other")
    staff(refserver, "a", pin=PIN)
    staff(refserver, "b", pin="24681357", badge="BADGE-B-0001")
    staff(refserver, "c", other_shop, pin=PIN)  # the same PIN in another shop
    rows = stored(refserver.db)
    hashes = [h for r in rows for h in (r["pin_hash"], r["badge_hash"]) if h]
    assert len(hashes) == 4
    salts = set()
    for h in hashes:
        kind, n, r, p, salt, digest = h.split("$")
        assert kind == "scrypt" and int(n) >= 2**14 and int(r) >= 8 and int(p) >= 1, h
        assert len(bytes.fromhex(salt)) >= 16 and len(bytes.fromhex(digest)) >= 32
        salts.add(salt)
    assert len(salts) == 4  # no salt shared: a leak must be attacked one secret at a time
    assert rows[0]["pin_hash"] != rows[2]["pin_hash"]  # same PIN, different hashes
    conn = sqlite3.connect(f"file:{refserver.db}?mode=ro", uri=True)
    assert conn.execute("SELECT count(*) FROM meta WHERE key='pin_salt'").fetchone()[0] == 0
    conn.close()
    dup = requests.post(
        refserver.url + "/admin/staff",
        json={"name": "dup", "pin": PIN, "permissions": []},
        headers={"X-Admin-Token": refserver.admin_token},
        timeout=30,
    )  # salted hashes cannot be compared, so the server tries the PIN against each member
    assert dup.status_code == 422 and dup.json()["detail"] == "pin: already used by another person"
    start = time.perf_counter()
    assert verify_secret(PIN, rows[0]["pin_hash"])
    assert (time.perf_counter() - start) * 1000 >= 5  # one guess costs real time and memory


def test_a_pepper_from_the_config_is_needed_to_check_a_pin(tmp_path):
    pepper = tmp_path / "pepper"
    pepper.write_bytes(b"0123456789abcdef0123456789abcdef\n")
    server = RefServer(db=tmp_path / "ref.sqlite", extra_args=["--pin-pepper-file", str(pepper)])
    server.start()
    try:
        staff(server, "peppered", pin=PIN)
        device = server.pair_device()
        assert LoyaltyClient(server.url, device).staff_login(pin=PIN).staff_name == "peppered"
        (row,) = stored(server.db)
        assert not verify_secret(PIN, row["pin_hash"])  # the database alone: no match
        assert verify_secret(PIN, row["pin_hash"], b"0123456789abcdef0123456789abcdef")
        server.stop()
        server.proc.args = ["--admin-token", server.admin_token]  # same database, no pepper
        server.start()
        with pytest.raises(errors.Unauthorized):
            LoyaltyClient(server.url, device, retries=0).staff_login(pin=PIN)
    finally:
        server.stop()


def test_a_short_pepper_is_refused_with_a_clear_message(tmp_path):
    pepper = tmp_path / "pepper"
    pepper.write_text("short")
    cmd = [sys.executable, "-m", "kiosk", "server", "--db", str(tmp_path / "x.sqlite")]
    done = subprocess.run(
        [*cmd, "--pin-pepper-file", str(pepper), "--admin-token", "t"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 78
    assert "--pin-pepper-file" in done.stderr and "16 random bytes" in done.stderr


def test_the_hashing_is_not_done_under_the_write_lock(refserver):
    """A login in a shop of eight staff computes eight hashes; stamps written meanwhile
    are not held up for the length of it."""
    shop = make_shop(refserver)
    for n in range(8):
        shop.staff(["search_cards"], name=f"S{n}")
    card_ids = [shop.new_card(f"C{n}")["id"] for n in range(40)]
    login_took: list[float] = []

    def slow_login() -> None:
        start = time.perf_counter()
        try:
            shop.client.staff_login(pin="00000000")  # matches nobody: every hash is computed
        except errors.Unauthorized:
            login_took.append(time.perf_counter() - start)

    worst, thread = 0.0, threading.Thread(target=slow_login)
    thread.start()
    stamper = LoyaltyClient(refserver.url, shop.device_token, retries=0)
    for card_id in card_ids:
        if not thread.is_alive():
            break
        start = time.perf_counter()
        stamper.add_stamp(card_id, idempotency_key=new_idempotency_key(), occurred_at=now())
        worst = max(worst, time.perf_counter() - start)
    thread.join()
    (took,) = login_took
    assert took > 0.2, f"the login took {took:.3f} s: too fast to tell anything"
    assert worst < took / 2, f"a stamp waited {worst:.3f} s during a {took:.3f} s login"
    assert requests.get(refserver.url + "/healthz", timeout=5).ok
