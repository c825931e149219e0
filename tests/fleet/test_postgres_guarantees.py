"""The reference cloud on PostgreSQL with three worker processes: every guarantee of the
API holds when concurrent requests land on different workers (idempotency, exactly-once
redemption, the staff lockout window), and migrations run once however many workers start.

The PostgreSQL server is Debian's, in a temporary data directory (tests/fleet/conftest.py);
without the package these tests skip and say so. The whole API suite can also be run on
PostgreSQL: KIOSK_TEST_POSTGRES=2 pytest tests/api (docs/fleet.md).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import requests

from kiosk.api import LoyaltyClient, errors, new_idempotency_key
from refserver.migrations import MIGRATIONS
from refserver.pg import PgDatabase
from tests.api.conftest import make_shop
from tests.fleet.conftest import pg_refserver
from tests.support.refserver import RefServer

WORKERS = 3


def now() -> datetime:
    return datetime.now(UTC)


def workers_that_used_the_database(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT application_name FROM pg_stat_activity "
            "WHERE application_name LIKE 'stamp-kiosk-server-%%' AND datname = current_database()"
        ).fetchall()
    return {r[0] for r in rows}


def test_one_stamp_per_key_when_the_same_request_hits_every_worker(
    pg_cloud: RefServer, pg_url: str
) -> None:
    shop = make_shop(pg_cloud)
    key, at = new_idempotency_key(), now()
    url = f"{pg_cloud.url}/api/v1/cards/{shop.card_id}/stamps"
    headers = {"Authorization": f"Bearer {shop.device_token}", "Idempotency-Key": key}
    body = {"count": 1, "occurred_at": at.isoformat(), "channel": "kiosk"}
    barrier = threading.Barrier(24)

    def send(_: int) -> tuple[int, str]:
        barrier.wait()
        r = requests.post(url, json=body, headers=headers, timeout=30)  # a connection each
        return r.status_code, r.json()["stamp_id"]

    with ThreadPoolExecutor(24) as pool:
        answers = list(pool.map(send, range(24)))
    assert {status for status, _ in answers} == {201}
    assert len({stamp for _, stamp in answers}) == 1, answers
    assert shop.card_admin()["total_stamps"] == 1
    assert len(workers_that_used_the_database(pg_url)) >= 2  # spread over processes


def test_a_voucher_is_redeemed_exactly_once_across_workers(pg_cloud: RefServer) -> None:
    shop = make_shop(pg_cloud)
    for _ in range(3):  # rounds: a race that passes once by luck is not proof
        v = shop.client.add_stamp(
            shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=3
        ).unlocked_vouchers[0]
        kiosks = [shop.new_client() for _ in range(8)]
        barrier = threading.Barrier(len(kiosks))

        def redeem(c: LoyaltyClient, vid: str = v.id, barrier=barrier):
            barrier.wait()
            try:
                return c.redeem(vid, idempotency_key=new_idempotency_key(), occurred_at=now())
            except errors.VoucherAlreadyRedeemed as exc:
                return exc

        with ThreadPoolExecutor(len(kiosks)) as pool:
            outcomes = list(pool.map(redeem, kiosks))
        wins = [o for o in outcomes if not isinstance(o, Exception)]
        assert len(wins) == 1, outcomes
        assert sum(isinstance(o, errors.VoucherAlreadyRedeemed) for o in outcomes) == 7
        shop.client.add_stamp(
            shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now(), count=6
        )


def test_no_lost_stamp_when_twenty_kiosks_stamp_one_card_at_once(pg_cloud: RefServer) -> None:
    shop = make_shop(pg_cloud)
    clients = [shop.new_client() for _ in range(20)]
    barrier = threading.Barrier(len(clients))

    def stamp(c: LoyaltyClient) -> None:
        barrier.wait()
        c.add_stamp(shop.card_id, idempotency_key=new_idempotency_key(), occurred_at=now())

    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(stamp, clients))
    assert shop.card_admin()["total_stamps"] == 20


def test_the_lockout_window_holds_across_workers(pg_cloud: RefServer) -> None:
    """Twenty parallel wrong PINs from one kiosk, spread over the workers: at most five
    are checked; then even the right PIN waits out the window, on the shared clock."""
    shop = make_shop(pg_cloud)
    pin = shop.staff(["*"], pin="73194826")
    url = pg_cloud.url + "/api/v1/staff/sessions"
    headers = {"Authorization": f"Bearer {shop.device_token}"}
    barrier = threading.Barrier(20)

    def guess(n: int) -> int:
        barrier.wait()
        r = requests.post(url, json={"pin": f"{n:08d}"}, headers=headers, timeout=30)
        return r.status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(guess, range(20)))
    assert statuses.count(401) <= 5 and statuses.count(429) >= 15, statuses
    # fill the window to five failures (waiting out the slow-down on the server's clock)
    while True:
        r = requests.post(url, json={"pin": "00000000"}, headers=headers, timeout=30)
        if r.status_code == 429 and r.json().get("detail", "").startswith("too many"):
            break
        if r.status_code == 429:
            pg_cloud.advance_clock(int(r.headers["Retry-After"]))
    locked = requests.post(url, json={"pin": pin}, headers=headers, timeout=30)
    assert locked.status_code == 429
    pg_cloud.advance_clock(int(locked.headers["Retry-After"]) + 1)  # on one worker...
    for _ in range(WORKERS * 2):  # ...and every worker sees the moved clock
        assert shop.new_client().staff_login(pin=pin).staff_name == "Anna"
    ok = requests.post(url, json={"pin": pin}, headers=headers, timeout=30)
    assert ok.status_code == 201, ok.text


def test_migrations_are_versioned_and_run_once(pg_url: str, tmp_path: Path) -> None:
    first = PgDatabase(pg_url)
    assert first.schema_version() == MIGRATIONS[-1][0]  # every version, in order
    assert first.migrate() == []  # a second start changes nothing
    # three workers starting at once against a fresh database: still one run, no error
    server = pg_refserver(tmp_path, pg_url, workers=WORKERS).start(timeout=60)
    try:
        assert requests.get(server.url + "/healthz", timeout=10).json() == {"ok": True}
    finally:
        server.stop()
    with psycopg.connect(pg_url) as conn:
        ran = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        assert ran.fetchall() == [(version, name) for version, name, _ in MIGRATIONS]


def test_a_fresh_database_under_three_starting_workers_migrates_once(
    postgres, tmp_path: Path
) -> None:
    url = postgres.create_database("fresh_race")
    server = pg_refserver(tmp_path, url, workers=WORKERS).start(timeout=60)
    try:
        shop = make_shop(server)  # every worker can serve once they are up
        assert shop.client.card_by_token(shop.card_token).display_name == "Mari"
    finally:
        server.stop()
    log = (tmp_path / "pg-server.log").read_text()
    assert "Traceback" not in log, log[-2000:]
    with psycopg.connect(url) as conn:
        ran = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
        assert ran == (len(MIGRATIONS),)


@pytest.mark.parametrize("bad", ["postgresql://nobody@127.0.0.1:1/none"])
def test_an_unreachable_database_fails_the_start_with_its_reason(bad: str, tmp_path: Path):
    server = RefServer(db=tmp_path / "x", extra_args=["--db", bad])
    with pytest.raises(RuntimeError, match="exited"):
        server.start(timeout=30)
    text = (tmp_path / "x.log").read_text()
    assert "connection" in text.lower()
