"""The latest run of each scheduled job, for `coachbot status`.

One row per job, upserted: several instances tick at once, and an upsert never races
into a duplicate key the way a select-then-insert would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.core.db.models import OutboxMessage, OutboxStatus
from bot.core.db.ops import ALL_WORKSPACES, JobRun

MAX_ERROR = 2000


@dataclass(frozen=True)
class FailingSend:
    workspace_id: str
    dedupe_key: str
    method: str
    attempts: int
    last_error: str


def record_run(
    session: Session, job: str, started_at: datetime, duration_seconds: float, result: int, error: str | None = None
) -> None:
    values = {
        "job": job,
        "workspace_id": ALL_WORKSPACES,
        "started_at": started_at,
        "duration_seconds": duration_seconds,
        "result": result,
        "error": error[:MAX_ERROR] if error else None,
        "runs": 1,
        "failures": 1 if error else 0,
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(JobRun).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[JobRun.job],
        set_={
            "started_at": statement.excluded.started_at,
            "duration_seconds": statement.excluded.duration_seconds,
            "result": statement.excluded.result,
            "error": statement.excluded.error,
            "runs": JobRun.runs + 1,
            "failures": JobRun.failures + statement.excluded.failures,
        },
    )
    session.execute(statement)


def last_runs(session: Session) -> list[JobRun]:
    return list(session.scalars(select(JobRun).order_by(JobRun.job)))


def failing_sends(session: Session, limit: int = 20) -> list[FailingSend]:
    """Outbox rows that gave up, newest first, with Slack's reason."""
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return [
        FailingSend(row.workspace_id, row.dedupe_key, row.method, row.attempts, row.last_error or "") for row in rows
    ]
