"""Workspaces: created on first contact with the deployment's defaults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.db.models import Workspace
from bot.core.errors import UserError


def ensure_workspace(
    session: Session, workspace_id: str, settings: Settings, now: datetime, name: str = ""
) -> Workspace:
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        workspace = Workspace(
            id=workspace_id,
            name=name,
            locale=settings.locale,
            timezone=settings.timezone,
            hr_channel=settings.hr_channel,
            lesson_time="09:30",
            created_at=now,
        )
        session.add(workspace)
        session.flush()
    return workspace


def only_workspace(session: Session) -> Workspace:
    """The single workspace of a single-workspace install (CLI commands without --workspace)."""
    workspaces = list(session.scalars(select(Workspace).limit(2)))
    if len(workspaces) == 1:
        return workspaces[0]
    if not workspaces:
        raise UserError("cli.no_workspace")
    raise UserError("cli.several_workspaces")
