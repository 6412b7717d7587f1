"""Alembic environment: uses the engine handed over by bot.db.migrate when there is one."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from bot.db import certification, learning, ops, polls, wellbeing  # noqa: F401 - registers their tables
from bot.db.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///coachbot.db")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
