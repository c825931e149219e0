"""Which database engine: a postgresql:// URL opens PostgreSQL, anything else a SQLite file.

psycopg is imported only for a URL, so the embedded SQLite default needs nothing more.
"""

from __future__ import annotations

from pathlib import Path

from refserver.db import Database


def is_postgres(db: Path | str) -> bool:
    return str(db).startswith(("postgresql://", "postgres://"))


def open_database(db: Path | str) -> Database:
    if is_postgres(db):
        from refserver.pg import PgDatabase

        return PgDatabase(str(db))
    return Database(db)
