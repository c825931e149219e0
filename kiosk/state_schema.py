"""Versioned state files: `PRAGMA user_version`, forward-only, additive migrations.

Why: after an update the new release may need a new column; after a rollback the previous
release opens the same file again. So each SQLite state file (outbox, card cache, day log)
carries its schema version in `PRAGMA user_version`, checked on every open:

- lower than this release knows: the missing migrations run, each in one transaction
  together with the new user_version (a power cut leaves the old or the new schema);
- equal: nothing to do;
- higher: a newer release wrote it and we are its rollback target. That is allowed because
  migrations are additive only (new tables, new columns with defaults, new indexes: never
  DROP, RENAME or a rewrite), so every query of an older release still works. The version
  is never lowered, so the newer release does not migrate twice when it comes back.

docs/updates.md says which state changes a release may make; tests/test_state_schema.py
rejects a migration with a destructive statement.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence

log = logging.getLogger(__name__)

# statements a migration must never contain (a previous release may still need the data)
DESTRUCTIVE = re.compile(r"\b(DROP|RENAME|DELETE|UPDATE|REPLACE)\b", re.IGNORECASE)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, name: str, migrations: Sequence[str]) -> int:
    """Bring `conn` (autocommit mode) up to len(migrations); returns the version found.

    migrations[0] is the baseline (CREATE ... IF NOT EXISTS, so a file made before
    versioning, at user_version 0, is adopted as it is).
    """
    found = user_version(conn)
    known = len(migrations)
    if found > known:
        log.info("%s: schema %d from a newer release (this one knows %d); read as is "
                 "(migrations are additive)", name, found, known)  # fmt: skip
        return found
    for version in range(found, known):
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{migrations[version]}\nPRAGMA user_version = {version + 1};\n"
                "COMMIT;"
            )
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if found:
            log.info("%s: schema migrated %d -> %d", name, version, version + 1)
    return found
