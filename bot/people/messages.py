"""People's messages and forms: the installer's welcome checklist and the settings modals."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.core.db.models import Member, Workspace
from bot.core.render import Message, Renderer
from bot.people.onboarding import setup_checklist
from bot.people.workspace_settings import describe_weekdays


def welcome_checklist(renderer: Renderer, session: Session, workspace: Workspace, locale: str) -> Message:
    checklist = setup_checklist(session, workspace)
    return renderer.message("welcome_checklist", locale, checklist=checklist)


def settings_modal(renderer: Renderer, locale: str, member: Member, workspace: Workspace) -> dict[str, Any]:
    """A person's own settings: language, lesson time (the workspace's unless chosen), pause."""
    return renderer.view(
        "settings_modal",
        locale,
        language=member.locale or locale,
        lesson_time=member.lesson_time or workspace.lesson_time,
        timezone=member.slack_tz or member.timezone or workspace.timezone,
        paused_until=member.paused_until.isoformat() if member.paused_until else None,
    )


def workspace_settings_modal(renderer: Renderer, locale: str, workspace: Workspace) -> dict[str, Any]:
    return renderer.view(
        "workspace_settings_modal",
        locale,
        workspace=workspace,
        weekdays=describe_weekdays(workspace.working_days).split(","),
    )
