"""State files are versioned (PRAGMA user_version), forward-migrated and never shrunk."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk import card_cache, day_summary, outbox
from kiosk.outbox import Outbox
from kiosk.state_schema import DESTRUCTIVE, migrate, user_version

V1 = "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, a TEXT NOT NULL);"
V2 = "ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x';"


def conn(path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_a_file_from_before_versioning_is_adopted_with_its_rows(tmp_path):
    db = conn(tmp_path / "s.sqlite")
    db.executescript(V1 + "INSERT INTO t(a) VALUES ('kept');")
    assert user_version(db) == 0
    assert migrate(db, "s", [V1, V2]) == 0
    assert user_version(db) == 2
    assert db.execute("SELECT a, b FROM t").fetchall() == [("kept", "x")]


def test_a_newer_file_is_read_by_the_older_release_and_not_lowered(tmp_path):
    """Rollback: the previous release opens what the newer one migrated."""
    path = tmp_path / "s.sqlite"
    migrate(conn(path), "s", [V1, V2])  # the new release
    db = conn(path)
    assert migrate(db, "s", [V1]) == 2  # the previous release: knows only v1
    db.execute("INSERT INTO t(a) VALUES ('by the old release')")  # its queries still work
    assert user_version(db) == 2
    assert migrate(conn(path), "s", [V1, V2]) == 2  # the new one again: nothing to redo


def test_a_failing_migration_leaves_the_old_schema(tmp_path):
    db = conn(tmp_path / "s.sqlite")
    migrate(db, "s", [V1])
    with pytest.raises(sqlite3.Error):
        migrate(db, "s", [V1, "ALTER TABLE t ADD COLUMN c TEXT; ALTER TABLE nope ADD x;"])
    assert user_version(db) == 1
    assert [r[1] for r in db.execute("PRAGMA table_info(t)")] == ["id", "a"]


@pytest.mark.parametrize(
    "migrations", [outbox.MIGRATIONS, card_cache.MIGRATIONS, day_summary.MIGRATIONS]
)
def test_shipped_migrations_are_additive(migrations):
    for sql in migrations:
        assert not DESTRUCTIVE.search(sql), f"destructive statement in a migration: {sql[:80]}"


def test_the_outbox_carries_its_schema_version(tmp_path):
    box = Outbox(tmp_path)
    box.close()
    db = conn(tmp_path / outbox.DB_NAME)
    assert user_version(db) == len(outbox.MIGRATIONS)
