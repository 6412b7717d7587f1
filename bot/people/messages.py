"""People's messages and forms: the installer's welcome checklist and the settings modals."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.core.db.models import Member, Team, Workspace
from bot.core.i18n import slack_escape
from bot.core.render import Message, Renderer
from bot.people.onboarding import setup_checklist
from bot.people.teams import PICKER_PAGE, picker_page
from bot.people.workspace_settings import describe_weekdays

OPTION_TEXT_LIMIT = 75  # Slack's limit for an option's text, counted after escaping


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


def _option_label(name: str) -> str:
    label = name[:OPTION_TEXT_LIMIT]
    while len(slack_escape(label)) > OPTION_TEXT_LIMIT:
        label = label[:-1]
    return label


def team_picker(renderer: Renderer, locale: str, purpose: str, choices: list[Team], page: int = 1) -> Message:
    """Which team to show (``purpose``: "cert" or "progress"), a hundred teams a page."""
    teams, page, pages = picker_page(choices, page)
    first = (page - 1) * PICKER_PAGE + 1
    return renderer.message(
        "team_picker",
        locale,
        purpose=purpose,
        options=[{"label": _option_label(team.name), "value": f"{purpose}:{team.id}"} for team in teams],
        count=len(choices),
        first=first,
        last=first + len(teams) - 1,
        page=page,
        pages=pages,
    )
