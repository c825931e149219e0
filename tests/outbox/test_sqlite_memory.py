"""Every long-lived SQLite connection of the kiosk has a small page cache (issue 20).

Why it matters: a connection's page cache grows with the pages it touches until its cap;
with SQLite's default cap (2000 KiB) a busy kiosk's RSS crept for thousands of scans.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.card_cache import CardCache
from kiosk.day_summary import DayLog
from kiosk.outbox import Outbox
from kiosk.state_files import SQLITE_CACHE_KIB


def _cache_kib(conn) -> int:
    value = conn.execute("PRAGMA cache_size").fetchone()[0]
    return -value if value < 0 else value * conn.execute("PRAGMA page_size").fetchone()[0] // 1024


def test_outbox_card_cache_and_day_log_connections_are_capped(tmp_path: Path):
    outbox = Outbox(tmp_path)
    cache = CardCache(tmp_path)
    day = DayLog(tmp_path)
    try:
        conns = [outbox._try_open(), cache._conn, day._db]
        assert all(c is not None for c in conns)
        assert [_cache_kib(c) for c in conns] == [SQLITE_CACHE_KIB] * 3
        assert SQLITE_CACHE_KIB < 2000  # smaller than SQLite's default, or this is moot
    finally:
        outbox.close()
        cache.close()
