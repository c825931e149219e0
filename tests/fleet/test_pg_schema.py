"""Both engines keep the same tables and columns.

A column added to SQLite's schema (refserver/db.py) and forgotten in a PostgreSQL
migration (refserver/migrations/) breaks every route that reads it, on PostgreSQL only:
a multi-worker shop would find out in production. This compares the two from the
databases themselves, not from the SQL text.
"""

from __future__ import annotations

from pathlib import Path

from refserver.db import Database


def sqlite_columns(path: Path) -> dict[str, set[str]]:
    db = Database(path)
    with db.tx() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in tables}


def postgres_columns(url: str) -> dict[str, set[str]]:
    from refserver.pg import PgDatabase

    db = PgDatabase(url)
    out: dict[str, set[str]] = {}
    with db.tx() as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        ).fetchall()
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    out.pop("schema_migrations", None)  # PostgreSQL's own record of what ran
    return out


def test_postgresql_has_every_table_and_column_of_sqlite(tmp_path: Path, pg_url: str) -> None:
    lite, pg = sqlite_columns(tmp_path / "lite.db"), postgres_columns(pg_url)
    assert sorted(lite) == sorted(pg), "tables differ between SQLite and PostgreSQL"
    missing = {t: sorted(lite[t] - pg[t]) for t in lite if lite[t] - pg[t]}
    extra = {t: sorted(pg[t] - lite[t]) for t in lite if pg[t] - lite[t]}
    assert not missing, f"columns missing on PostgreSQL (add a migration): {missing}"
    assert not extra, f"columns only on PostgreSQL: {extra}"
