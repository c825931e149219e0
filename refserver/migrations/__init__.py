"""Versioned schema migrations for the PostgreSQL backend.

Why not Alembic: the schema is one file of plain SQL per version and the server applies
them itself at start, under an advisory lock so that N workers starting at once migrate
exactly once. A new version is a new module `pg_NNNN_<what>.py` with `SQL` and a line in
MIGRATIONS; a version once released is never edited. `schema_migrations` records what ran.
(The SQLite file keeps its own start-up upgrade in refserver/db.py: ADDED_COLUMNS.)
"""

from __future__ import annotations

from refserver.migrations import (
    pg_0001_initial,
    pg_0002_counter_engage,
    pg_0003_device_settings,
    pg_0004_release_offers,
)

# (version, name, SQL), in order
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "initial", pg_0001_initial.SQL),
    (2, "counter and engagement", pg_0002_counter_engage.SQL),
    (3, "device settings from the cloud", pg_0003_device_settings.SQL),
    (4, "releases offered by the cloud", pg_0004_release_offers.SQL),
]
