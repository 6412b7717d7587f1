"""Online backups of the embedded SQLite database (PostgreSQL uses pg_dump)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine


class BackupError(Exception):
    pass


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the live database with SQLite's backup API (consistent while the bot writes);
    returns the number of pages copied."""
    if engine.dialect.name != "sqlite":
        raise BackupError(
            "DATABASE_URL is PostgreSQL: use `pg_dump -Fc DBNAME > coachbot.dump` (see docs/operations.md)"
        )
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    pages = 0

    def progress(_status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total - remaining

    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with sqlite3.connect(target) as destination:
            source.backup(destination, pages=256, progress=progress)
    finally:
        raw.close()
    return pages
