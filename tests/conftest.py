"""Shared fixtures: a real database, the simulator, and the real app served over HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app.playground import Playground
from bot.core.config import Settings, load_settings
from bot.core.db.engine import make_engine, make_session_factory
from bot.core.db.migrate import upgrade
from bot.core.render import Renderer
from tests.postgres import fresh_database, throwaway_server

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # a Monday, 09:30 in Shanghai


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's Slack tokens or .env file."""
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "COACHBOT_TZ",
        "COACHBOT_LOCALE",
        "HR_CHANNEL",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_SCOPES",
        "COACHBOT_PUBLIC_URL",
        "COACHBOT_LOG_FORMAT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated to head per test run; each test gets its own copy (fast, and isolated)."""
    path = tmp_path_factory.mktemp("template") / "coachbot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection folds the WAL into the file we copy
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_database: Path) -> Settings:
    shutil.copyfile(migrated_database, tmp_path / "coachbot.db")
    return load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'coachbot.db'}")


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def playground(settings: Settings) -> Iterator[Playground]:
    """The real app over HTTP against the simulator, with the demo roster, its clock at
    ``NOW``: a test's outcome never depends on the weekday it happens to run on."""
    with Playground(settings, start=NOW) as playground:
        yield playground


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """One throwaway PostgreSQL server for the whole run; each test takes a fresh database."""
    with throwaway_server() as url:
        yield url


@pytest.fixture
def pg_engine(server_url: str) -> Iterator[Engine]:
    with fresh_database(server_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def pg_sessions(pg_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(pg_engine)
