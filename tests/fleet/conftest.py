"""A PostgreSQL server for the whole fleet test session (a database per test), and the
reference cloud on it with several workers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import SKIP_REASON, PostgresServer, server_bin
from tests.support.refserver import RefServer

_names = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    if server_bin() is None:
        pytest.skip(SKIP_REASON)
    pg = PostgresServer().start()
    yield pg
    pg.stop()


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    return postgres.create_database(f"t{next(_names)}")


def pg_refserver(tmp_path: Path, url: str, workers: int) -> RefServer:
    """`kiosk server --db <url> --workers N` (the --db after the SQLite one wins)."""
    return RefServer(db=tmp_path / "pg-server", extra_args=["--db", url, "--workers", str(workers)])


@pytest.fixture
def pg_cloud(tmp_path: Path, pg_url: str) -> Iterator[RefServer]:
    server = pg_refserver(tmp_path, pg_url, workers=3).start(timeout=60)
    yield server
    server.stop()
