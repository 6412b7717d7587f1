"""Operations tables: the last run of each scheduled job, and slack_sdk's OAuth stores.

The ``slack_*`` tables belong to slack_sdk's SQLAlchemy installation and OAuth-state
stores; they are declared here with slack_sdk's own table builders so the migrations and
the models stay one schema. They are keyed by Slack team id, not ``workspace_id``.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db.models import Base

ALL_WORKSPACES = "*"  # a job run covers every workspace

BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name
SLACK_STORE_TABLES = frozenset({BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE})

SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
SQLAlchemyInstallationStore.build_installations_table(Base.metadata, INSTALLATIONS_TABLE)
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, OAUTH_STATES_TABLE)


class JobRun(Base):
    """One row per job: its latest run. Small on purpose; the history lives in logs and metrics."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32), default=ALL_WORKSPACES)
    started_at: Mapped[datetime]
    duration_seconds: Mapped[float] = mapped_column(Float)
    result: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
