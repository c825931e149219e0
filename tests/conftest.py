"""Shared fixtures. Environment first: Kivy must not parse pytest's argv or write to ~."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_KIVY_HOME = Path(tempfile.mkdtemp(prefix="kiosk-test-kivy-"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_HOME", str(_KIVY_HOME))
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.pop("KIOSK_CONFIG", None)

import pytest  # noqa: E402

from tests.support.refserver import RefServer  # noqa: E402

# KIOSK_TEST_POSTGRES=N: the `refserver` fixtures run `kiosk server --db postgresql://...
# --workers N` on a throwaway PostgreSQL (tests/support/postgres.py) instead of SQLite, so
# the whole API suite can be run on PostgreSQL across workers (docs/fleet.md).
_PG_WORKERS = int(os.environ.get("KIOSK_TEST_POSTGRES") or 0)
_pg_server = None
_pg_count = 0


def _server_args() -> list[str]:
    global _pg_server, _pg_count
    if not _PG_WORKERS:
        return []
    from tests.support.postgres import PostgresServer

    if _pg_server is None:
        _pg_server = PostgresServer().start()
    _pg_count += 1
    url = _pg_server.create_database(f"api{_pg_count}")
    return ["--db", url, "--workers", str(_PG_WORKERS)]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _pg_server is not None:
        _pg_server.stop()


@pytest.fixture
def refserver(tmp_path: Path):
    """A fresh reference server (own SQLite file) for one test."""
    server = RefServer(db=tmp_path / "ref.sqlite", extra_args=_server_args()).start(timeout=60)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shared_refserver(tmp_path_factory: pytest.TempPathFactory):
    """One reference server for a whole run, for tests that only add their own data."""
    db = tmp_path_factory.mktemp("ref") / "ref.sqlite"
    server = RefServer(db=db, extra_args=_server_args()).start(timeout=60)
    yield server
    server.stop()
