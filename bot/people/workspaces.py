"""Workspaces: created on first contact with the deployment's defaults."""

from __future__ import annotations

from collections.abc import Callable
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


TokenTeam = Callable[[], tuple[str, str]]  # (team id, team name) of the bot token, asked of Slack


def only_workspace(
    session: Session,
    settings: Settings | None = None,
    now: datetime | None = None,
    token_team: TokenTeam | None = None,
) -> Workspace:
    """The workspace a CLI command without --workspace means.

    One row: that one. With a single bot token, ``token_team`` says which workspace the
    token belongs to (Slack's auth.test), so the first command on an empty database creates
    it and, when rows of several workspaces exist, the token's own is chosen. Slack is asked
    only when the database cannot answer alone.
    """
    workspaces = list(session.scalars(select(Workspace).limit(2)))
    if len(workspaces) == 1:
        return workspaces[0]
    if token_team is None:
        raise UserError("cli.several_workspaces" if workspaces else "cli.no_workspace")
    team_id, team_name = token_team()
    if workspaces and session.get(Workspace, team_id) is None:
        raise UserError("cli.several_workspaces")
    assert settings is not None and now is not None, "creating the token's workspace needs settings and now"
    return ensure_workspace(session, team_id, settings, now, name=team_name)
