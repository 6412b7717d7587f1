"""The audit log: who looked at or changed what, for privacy reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core.db.models import AuditEntry


def record(
    session: Session,
    *,
    workspace_id: str,
    actor: str,
    action: str,
    now: datetime,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(workspace_id=workspace_id, actor=actor, action=action, subject=subject, detail=detail or {}, at=now)
    )
