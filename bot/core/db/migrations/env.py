"""Alembic environment: uses the engine handed over by bot.core.db.migrate when there is one."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from bot.certification import models as _certification  # noqa: F401 - registers their tables
from bot.core.db import ops as _ops  # noqa: F401
from bot.core.db.models import Base
from bot.learning import models as _learning  # noqa: F401
from bot.polls import models as _polls  # noqa: F401
from bot.wellbeing import models as _wellbeing  # noqa: F401

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
