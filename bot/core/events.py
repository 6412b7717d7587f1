"""Slack event ids already handled: a retried delivery must not be processed twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.core.db.models import ProcessedEvent

KEEP_FOR = timedelta(days=2)  # Slack retries for minutes, never days


def first_delivery(session: Session, event_id: str, workspace_id: str, now: datetime) -> bool:
    """Record the event id; False when it was recorded before (a retry)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ProcessedEvent)
        .values(event_id=event_id, workspace_id=workspace_id, received_at=now)
        .on_conflict_do_nothing()
    )
    return bool(getattr(session.execute(statement), "rowcount", 0))


def forget_old_events(session: Session, now: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < now - KEEP_FOR))
    return int(getattr(result, "rowcount", 0) or 0)
