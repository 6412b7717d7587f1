"""First-run messages: the installer's welcome checklist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.db.models import Workspace
from bot.core.i18n import resolve_locale
from bot.core.outbox import post_message
from bot.core.render import Message, Renderer
from bot.people.onboarding import setup_checklist


def welcome_checklist(renderer: Renderer, session: Session, workspace: Workspace, locale: str) -> Message:
    checklist = setup_checklist(session, workspace)
    return renderer.message("welcome_checklist", locale, checklist=checklist)


def queue_welcome(
    session: Session, renderer: Renderer, workspace: Workspace, admin_slack_id: str, now: datetime, locale: str = ""
) -> None:
    """The welcome DM, once per admin and workspace (its dedupe key)."""
    message = welcome_checklist(renderer, session, workspace, resolve_locale(locale, workspace.locale))
    post_message(
        session,
        workspace_id=workspace.id,
        dedupe_key=f"welcome:{admin_slack_id}",
        channel=admin_slack_id,
        message=message,
        now=now,
    )
