"""Benchmark: stamp round trips through the kiosk's client against the reference server.

Starts `kiosk server` on loopback with a fresh SQLite file, then prints
  1. the round-trip latency of one stamp (p50/p99) from one kiosk, in sequence;
  2. stamps per second with N concurrent simulated kiosks (threads, one client and
     device token each, each stamping its own cards).
Run: .venv/bin/python bench/api.py [--stamps 300] [--kiosks 20] [--seconds 10]
     [--db sqlite|postgresql] [--workers N]
     .venv/bin/python bench/api.py --matrix   (20/100/500 kiosks on SQLite, and on
     PostgreSQL with 1, 2 and 4 workers: the table of docs/fleet.md)
PostgreSQL is a throwaway server from Debian's package (tests/support/postgres.py), with
fsync on and synchronous_commit off: the same durability as the SQLite file's WAL with
synchronous=NORMAL (a crash of the process loses nothing, a power cut may lose the last
commits).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.api import LoyaltyClient, errors, new_idempotency_key
from tests.support.postgres import PostgresServer
from tests.support.refserver import RefServer

_names = itertools.count()


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def sequential(server: RefServer, program: str, n: int) -> list[float]:
    client = LoyaltyClient(server.url, server.pair_device("bench-seq"))
    cards = [server.card(program, f"Seq{i}")["id"] for i in range(10)]
    for card in cards:  # warm-up: connections, SQLite pages
        client.add_stamp(card, idempotency_key=new_idempotency_key(), occurred_at=datetime.now(UTC))
    times = []
    for i in range(n):
        start = time.perf_counter()
        client.add_stamp(
            cards[i % len(cards)],
            idempotency_key=new_idempotency_key(),
            occurred_at=datetime.now(UTC),
        )
        times.append((time.perf_counter() - start) * 1000)
    return times


def concurrent(
    server: RefServer, program: str, kiosks: int, seconds: float, cards: int = 5
) -> tuple[int, list[float]]:
    setups = []
    for k in range(kiosks):
        token = server.pair_device(f"bench-{k}")
        setups.append(
            (
                LoyaltyClient(server.url, token),
                [server.card(program, f"K{k}c{i}")["id"] for i in range(cards)],
            )
        )
    barrier = threading.Barrier(kiosks + 1)
    counts = [0] * kiosks
    latencies: list[list[float]] = [[] for _ in range(kiosks)]
    stop_at = [0.0]
    failures: list[str] = []

    def kiosk(k: int) -> None:
        client, cards = setups[k]
        barrier.wait()
        i = 0
        while time.perf_counter() < stop_at[0]:
            start = time.perf_counter()
            try:
                client.add_stamp(
                    cards[i % len(cards)],
                    idempotency_key=new_idempotency_key(),
                    occurred_at=datetime.now(UTC),
                )
            except errors.ApiError as exc:  # counted and shown: an overloaded server times out
                failures.append(type(exc).__name__)
            else:
                latencies[k].append((time.perf_counter() - start) * 1000)
                counts[k] += 1
            i += 1

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in range(kiosks)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    begin = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    if failures:
        print(f"  ({len(failures)} stamps failed: {sorted(set(failures))})", flush=True)
    return int(sum(counts) / elapsed), [x for lat in latencies for x in lat]


def start_server(tmp: Path, db: str, workers: int, pg: PostgresServer | None) -> RefServer:
    extra: list[str] = ["--workers", str(workers)]
    if db == "postgresql":
        assert pg is not None
        extra = ["--db", pg.create_database(f"bench{next(_names)}"), *extra]
    server = RefServer(db=tmp / f"bench{next(_names)}.sqlite", admin_token="bench-admin")
    server.extra_args = extra
    return server.start(timeout=60)


def matrix(seconds: float) -> int:
    """20, 100 and 500 kiosks on SQLite (1 worker) and PostgreSQL (1, 2, 4 workers)."""
    configs = [("sqlite", 1), ("postgresql", 1), ("postgresql", 2), ("postgresql", 4)]
    print(
        f"{'kiosks':>6} {'database':<12} {'workers':>7} {'stamps/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
    )
    pg = PostgresServer(durable=True).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for kiosks in (20, 100, 500):
                for db, workers in configs:
                    server = start_server(Path(tmp), db, workers, pg)
                    try:
                        program = server.program(goal=9, cooldown_seconds=0)
                        rate, lat = concurrent(server, program, kiosks, seconds, cards=2)
                    finally:
                        server.stop()
                    print(
                        f"{kiosks:>6} {db:<12} {workers:>7} {rate:>9} "
                        f"{statistics.median(lat):>8.1f} {pct(lat, 99):>8.1f}",
                        flush=True,
                    )
    finally:
        pg.stop()
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--stamps", type=int, default=300)
    ap.add_argument("--kiosks", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--matrix", action="store_true", help="the table of docs/fleet.md")
    args = ap.parse_args()
    if args.matrix:
        return matrix(args.seconds)
    pg = PostgresServer(durable=True).start() if args.db == "postgresql" else None
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), args.db, args.workers, pg)
        try:
            program = server.program(goal=9, cooldown_seconds=0)
            seq = sequential(server, program, args.stamps)
            print(
                f"stamp round trip, 1 kiosk, {len(seq)} stamps on loopback: "
                f"p50 {statistics.median(seq):.1f} ms, p99 {pct(seq, 99):.1f} ms, "
                f"max {max(seq):.1f} ms"
            )
            rate, lat = concurrent(server, program, args.kiosks, args.seconds)
            print(
                f"{args.kiosks} concurrent kiosks for {args.seconds:.0f} s: {rate} stamps/s "
                f"(latency p50 {statistics.median(lat):.1f} ms, p99 {pct(lat, 99):.1f} ms)"
            )
        finally:
            server.stop()
            if pg is not None:
                pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
