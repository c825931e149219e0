"""Outbox figures: enqueue latency with fsync, drain rate into the reference server, memory.

    .venv/bin/python bench/outbox.py [--stamps 10000] [--cards 50] [--concurrency 8]

1. Enqueue: the time a customer's stamp takes to be durably saved (WAL + synchronous=FULL,
   so each commit is an fsync) on the disk the state directory lives on (--dir).
2. Drain: N stamps queued offline for C cards, then one `SyncWorker.drain` into a real
   reference server on 127.0.0.1 (target >= 200 stamps/s), with the process's RSS sampled
   every 50 ms. The ledger is checked afterwards: exactly N stamps, none twice.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.config import Settings
from kiosk.outbox import OpKind, Outbox, card_lane
from kiosk.stamping import open_services
from tests.support.refserver import RefServer


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def bench_enqueue(directory: Path, n: int) -> None:
    ob = Outbox(directory / "enqueue", max_rows=n + 1)
    lat = []
    now = datetime.now(UTC)
    for i in range(n):
        t = time.perf_counter()
        ob.enqueue(
            kind=OpKind.STAMP,
            lane=card_lane(f"token-{i % 50:04d}-aaaaaaaaaaaa"),
            key=str(uuid.uuid4()),
            occurred_at=now,
            card_token=f"token-{i % 50:04d}-aaaaaaaaaaaa",
        )
        lat.append((time.perf_counter() - t) * 1000)
    print(f"enqueue (WAL, synchronous=FULL, fsync per stamp) on {directory}: n={n}")
    print(
        f"  p50 {pct(lat, 50):.2f} ms   p99 {pct(lat, 99):.2f} ms   "
        f"max {max(lat):.2f} ms   mean {statistics.mean(lat):.2f} ms"
    )


def server_ceiling(server: RefServer, token: str, threads: int, n: int = 800) -> float:
    """The reference server's own stamps/s on this machine (direct calls, no outbox)."""
    from kiosk.api.client import LoyaltyClient

    program = server.program(cooldown_seconds=0, name="ceiling")
    card_ids = [server.card(program)["id"] for _ in range(threads)]

    def work(i: int) -> None:
        client = LoyaltyClient(server.url, token, retries=0)
        for _ in range(n // threads):
            client.add_stamp(
                card_ids[i], idempotency_key=str(uuid.uuid4()), occurred_at=datetime.now(UTC)
            )

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    t = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    rate = n / (time.perf_counter() - t)
    print(f"server ceiling: {n} direct POST /stamps from {threads} threads = {rate:.0f} stamps/s")
    return rate


def bench_drain(directory: Path, stamps: int, cards: int, concurrency: int) -> None:
    server = RefServer(db=directory / "ref.sqlite").start()
    try:
        token = server.pair_device("bench")
        ceiling = server_ceiling(server, token, concurrency)
        program = server.program(cooldown_seconds=0)
        made = [server.card(program, first_name=f"C{i}") for i in range(cards)]
        (directory / "device.token").write_text(token)
        settings = Settings.model_validate(
            {
                "device": {
                    "state_dir": str(directory / "state"),
                    "token_file": str(directory / "device.token"),
                },
                "server": {"url": server.url},
                "offline": {"sync_concurrency": concurrency, "outbox_max_rows": stamps + 1},
            }
        )
        svc = open_services(settings)
        now = datetime.now(UTC).isoformat()
        # Setup, not measured: the backlog an offline kiosk would have (rows by token), in
        # one transaction (enqueue's own cost is measured above).
        rows = [
            (card_lane(c["token"]), str(uuid.uuid4()), c["token"], now, now)
            for i in range(stamps)
            for c in [made[i % cards]]
        ]
        with svc.outbox._tx() as conn:
            conn.executemany(
                "INSERT INTO ops(kind, lane, idem_key, card_token, occurred_at, created_at) "
                "VALUES ('stamp', ?, ?, ?, ?, ?)",
                rows,
            )
        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(rss_mib())
                time.sleep(0.05)

        before = rss_mib()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t = time.perf_counter()
        report = svc.worker.drain(timeout_s=600)
        elapsed = time.perf_counter() - t
        done.set()
        sampler.join()
        ledger = [
            e["stamp_id"]
            for c in made
            for e in server.admin("GET", f"/admin/cards/{c['id']}")["ledger"]
        ]
        rate = report.sent / elapsed
        print(
            f"drain: {stamps} stamps queued offline on {cards} cards, concurrency {concurrency}, "
            f"reference server on 127.0.0.1"
        )
        print(
            f"  {report.sent} sent in {elapsed:.1f}s = {rate:.0f} stamps/s (target >= 200; "
            f"{100 * rate / ceiling:.0f}% of the server's own ceiling on this machine); "
            f"remaining {report.remaining}, rejected {report.rejected}"
        )
        print(f"  kiosk process RSS: {before:.0f} MiB before, peak {max(samples):.0f} MiB during")
        ok = len(ledger) == stamps == len(set(ledger))
        print(
            f"  server ledger: {len(ledger)} stamps, {len(set(ledger))} distinct: "
            f"{'OK (exactly once)' if ok else 'MISMATCH'}"
        )
        svc.close()
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stamps", type=int, default=10000)
    ap.add_argument("--cards", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--enqueues", type=int, default=2000)
    ap.add_argument(
        "--dir", type=Path, default=None, help="where the files go (default: a temp dir)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        bench_enqueue(root, args.enqueues)
        bench_drain(root, args.stamps, args.cards, args.concurrency)


if __name__ == "__main__":
    main()
