from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.db.engine import make_engine
from bot.core.db.migrate import downgrade, upgrade
from bot.core.db.models import Base, Member, OutboxMessage, Role
from bot.core.db.ops import SLACK_STORE_TABLES
from tests import factories
from tests.conftest import NOW


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_every_table_carries_its_workspace(engine: Engine) -> None:
    # slack_sdk's installation and OAuth-state stores are keyed by Slack team id instead
    tables = set(inspect(engine).get_table_names()) - {"alembic_version", "workspaces"} - SLACK_STORE_TABLES
    assert tables
    for table in tables:
        columns = {column["name"] for column in inspect(engine).get_columns(table)}
        assert "workspace_id" in columns, table


def test_downgrade_to_nothing_and_back(engine: Engine) -> None:
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "members" in inspect(engine).get_table_names()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_a_member_is_unique_per_workspace_not_globally(session: Session) -> None:
    factories.member(session, NOW, "U1", workspace_id="T1")
    factories.member(session, NOW, "U1", workspace_id="T2")
    with pytest.raises(IntegrityError):
        factories.member(session, NOW, "U1", workspace_id="T1")


def test_times_come_back_aware_in_utc(session: Session) -> None:
    shanghai = timezone(timedelta(hours=8))
    row = factories.member(session, datetime(2026, 3, 2, 9, 30, tzinfo=shanghai), "U9", role=Role.LEAD)
    session.commit()
    session.expire_all()
    loaded = session.get(Member, row.id)
    assert loaded is not None
    assert loaded.created_at == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert loaded.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(session: Session) -> None:
    factories.workspace(session, NOW)
    session.add(
        OutboxMessage(
            workspace_id="T0TEST",
            dedupe_key="k",
            method="chat.postMessage",
            payload={},
            next_attempt_at=datetime(2026, 1, 1),
            created_at=NOW,
        )
    )
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()
