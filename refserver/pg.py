"""PostgreSQL behind the reference cloud (`kiosk server --db postgresql://...`), psycopg 3.

Why it keeps SQLite's shape: every route speaks the sqlite3 connection API (`?`
placeholders, rows readable by name and index, `rowcount`), so this module offers the
same API over psycopg and the routes stay one code path for both engines.

Why one advisory lock for every write transaction: on SQLite, BEGIN IMMEDIATE serializes
all writers, and the guarantees of the API (one effect per Idempotency-Key, a voucher
redeemed exactly once, the staff lockout window, daily limits) rest on "check, then
write, with nobody in between". `pg_advisory_xact_lock(WRITE_LOCK)` gives PostgreSQL the
same rule across every worker process and every server pointing at the database, while
reads run in parallel without it. It is held only for the length of one short
transaction and released by COMMIT or ROLLBACK, even when a worker dies. Rows are seen
under READ COMMITTED: once the lock is held, every statement sees all earlier writers.
"""

from __future__ import annotations

import os
import queue
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import psycopg

from refserver.db import Database
from refserver.migrations import MIGRATIONS

WRITE_LOCK = 0x5354414D50  # "STAMP": the one key every write transaction holds
MIGRATE_LOCK = WRITE_LOCK + 1
_UNSEEN = object()
_OFFSET = b"(SELECT value FROM meta WHERE key='clock_offset')"
BEGIN_READ = b"BEGIN; SELECT " + _OFFSET
BEGIN_WRITE = b"BEGIN; SELECT pg_advisory_xact_lock(%d), " % WRITE_LOCK + _OFFSET
_TOKENS = re.compile(r"'(?:[^']|'')*'|\bIS\s+\?|\?|%|\bLIKE\b", re.IGNORECASE)


def translate(sql: str, *, params: bool = True) -> str:
    """sqlite3 SQL -> psycopg SQL: `?` -> `%s`, `IS ?` -> `IS NOT DISTINCT FROM %s`, LIKE -> ILIKE (SQLite's LIKE ignores ASCII
    case; the card search relies on it), and `%` -> `%%` when there are parameters (psycopg
    reads `%` as a placeholder only then). String literals keep their `?`."""
    pct = "%%" if params else "%"

    def one(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok.startswith("'"):
            return tok.replace("%", pct)
        if tok == "?":
            return "%s"
        if tok[-1] == "?":  # SQLite's null-safe `IS ?`
            return "IS NOT DISTINCT FROM %s"
        if tok == "%":
            return pct
        return "ILIKE"

    return _TOKENS.sub(one, sql)


class Row:
    """A result row readable like sqlite3.Row: row["name"], row[0], dict(row), keys()."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: Sequence[str], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return self._values[key]
        return self._values[self._names.index(key)]

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _row_factory(cursor: psycopg.Cursor[Any]):
    names = [d.name for d in cursor.description or ()]
    return lambda values: Row(names, values)


def _param(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL, which SQLite stores and compares like any character.
    U+FFFD in its place: a lookup still finds nothing (no id, token or code has either), and
    a stored name keeps a visible mark where the NUL was."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


class Connection:
    """The slice of sqlite3.Connection the routes use, on one psycopg connection."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        """The query as bytes: psycopg's types want literal strings, ours are translated."""
        cur = self.raw.cursor(row_factory=_row_factory)
        if not params:
            return cur.execute(translate(sql, params=False).encode())
        return cur.execute(translate(sql).encode(), tuple(_param(v) for v in params))

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> psycopg.Cursor[Any]:
        cur = self.raw.cursor(row_factory=_row_factory)
        cur.executemany(translate(sql).encode(), [tuple(_param(v) for v in p) for p in seq])
        return cur


class PgDatabase(Database):
    """The Database API (tx, get_meta, set_meta) on a small pool of PostgreSQL connections.

    The pool is bounded (`pool_size` per worker) because uvicorn's thread pool is 40
    threads and PostgreSQL's default limit is 100 connections for all workers together.
    """

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.path = url
        self.url = url
        self._pool: queue.LifoQueue[psycopg.Connection[Any]] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(pool_size)
        self._meta_lock = threading.Lock()
        self._meta_conn: psycopg.Connection[Any] | None = None
        self.clock_offset_seen: object = _UNSEEN
        self.migrate()

    def read_meta_now(self, key: str) -> str | None:
        """A meta value on a connection outside the pool (see Database.read_meta_now), so a
        route holding a pooled connection never waits for a second one.

        The clock's offset is read once per request (refresh_clock, an app dependency when
        several workers share the database) and again by every transaction's first round
        trip (clock_offset_seen), so a worker sees a clock moved by another before it serves
        its next request."""
        if key == "clock_offset" and self.clock_offset_seen is not _UNSEEN:
            return cast("str | None", self.clock_offset_seen)
        with self._meta_lock:
            if self._meta_conn is None or self._meta_conn.closed or self._meta_conn.broken:
                self._meta_conn = self._connect()
            row = self._meta_conn.execute("SELECT value FROM meta WHERE key=%s", (key,)).fetchone()
        return row[0] if row else None

    def refresh_clock(self) -> None:
        """One round trip at the start of a request (app dependency, several workers only)."""
        with self._checkout() as raw:
            row = raw.execute(b"SELECT " + _OFFSET).fetchone()
        self.clock_offset_seen = row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        super().set_meta(key, value)
        if key == "clock_offset":  # this worker's own change is seen at once
            self.clock_offset_seen = value

    def _connect(self) -> psycopg.Connection[Any]:
        # named per worker process, so pg_stat_activity shows which worker holds what
        name = f"stamp-kiosk-server-{os.getpid()}"
        return psycopg.connect(self.url, autocommit=True, application_name=name)

    @contextmanager
    def _checkout(self) -> Iterator[psycopg.Connection[Any]]:
        with self._slots:
            try:
                conn = self._pool.get_nowait()
            except queue.Empty:
                conn = self._connect()
            if conn.closed or conn.broken:
                conn = self._connect()
            try:
                yield conn
            finally:
                if not conn.closed and not conn.broken:
                    self._pool.put(conn)

    @contextmanager
    def tx(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction; a write one holds the write lock from its first statement."""
        with self._checkout() as raw:
            # one round trip: BEGIN, the write lock (for writes) and the test clock's offset
            cur = raw.execute(BEGIN_WRITE if write else BEGIN_READ)
            cur.nextset()  # past BEGIN's result to the SELECT's
            row = cur.fetchone()
            self.clock_offset_seen = row[-1] if row else None
            try:
                # duck-typed: the routes use only execute() and what its cursor offers
                yield cast(sqlite3.Connection, Connection(raw))
            except BaseException:
                if not raw.broken:
                    raw.execute("ROLLBACK")
                raise
            else:
                raw.execute("COMMIT")

    def schema_version(self) -> int:
        with self._checkout() as raw:
            row = raw.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> list[int]:
        """Apply the versions not yet recorded, each in its own transaction; returns them.
        Under a session advisory lock, so workers starting together migrate once."""
        applied: list[int] = []
        with self._checkout() as raw:
            raw.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
            try:
                raw.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                    " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
                done = {r[0] for r in raw.execute("SELECT version FROM schema_migrations")}
                for version, name, sql in MIGRATIONS:
                    if version in done:
                        continue
                    with raw.transaction():
                        raw.execute(
                            sql.encode()
                        )  # bytes: the script is built at run time, not a literal
                        raw.execute(
                            "INSERT INTO schema_migrations(version, name) VALUES (%s, %s)",
                            (version, name),
                        )
                    applied.append(version)
            finally:
                raw.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))
        return applied
