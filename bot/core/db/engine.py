"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


class _WriteQueueConnection(sqlite3.Connection):
    """A sqlite3 connection whose transactions queue on one lock per engine.

    SQLite lets one writer in at a time and makes the others poll with growing sleeps, so
    under a burst of clicks a thread can keep missing its turn until the busy timeout
    fails it ("database is locked"). Threads of one process therefore wait on a lock
    instead, which hands the database to the next thread the moment a transaction ends;
    other processes still meet SQLite's busy timeout.
    """

    write_lock: threading.Lock  # set on the per-engine subclass
    holds_write_lock = False

    def take_write_lock(self) -> None:
        if not self.write_lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise sqlite3.OperationalError("database is locked (waited for other threads)")
        self.holds_write_lock = True

    def release_write_lock(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            self.write_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.release_write_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_write_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_write_lock()


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        factory = type("EngineConnection", (_WriteQueueConnection,), {"write_lock": threading.Lock()})
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "factory": factory}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while the outbox sender writes; the busy timeout makes
    # concurrent writers (several processes) wait instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # We issue BEGIN ourselves (below); pysqlite's implicit deferred BEGIN is switched off.
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Any) -> None:
    # A deferred transaction that reads and then writes cannot wait for a busy writer: SQLite
    # answers "database is locked" at once. Taking the write lock up front makes it wait
    # (busy timeout) instead, so a second process or a long backup never fails a job. Threads
    # of this process queue on the engine's lock first (see _WriteQueueConnection).
    dbapi_connection = connection.connection.dbapi_connection
    dbapi_connection.take_write_lock()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        dbapi_connection.release_write_lock()
        raise


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
