"""People use cases: the first admin and their welcome, personal settings, roster files.

Handlers, the OAuth install callback and the CLI call these; each queues what it causes
through the :class:`~bot.core.notify.Notifier` with a dedupe key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.db.models import Member
from bot.core.i18n import resolve_locale
from bot.core.notify import Notifier
from bot.people.messages import welcome_checklist
from bot.people.onboarding import make_first_admin, slack_profile_fields
from bot.people.preferences import Preferences, save_preferences
from bot.people.workspaces import ensure_workspace


def welcome_first_admin(
    session: Session,
    notifier: Notifier,
    settings: Settings,
    workspace_id: str,
    user_id: str,
    profile: dict[str, Any],
    *,
    how: str,
    team_name: str = "",
) -> Member | None:
    """Make ``user_id`` the admin of a workspace that has none and DM them the setup
    checklist (once: its dedupe key); None when the workspace already has an admin."""
    workspace = ensure_workspace(session, workspace_id, settings, notifier.now, team_name)
    name = str(profile.get("real_name") or profile.get("name") or user_id)
    admin = make_first_admin(session, workspace, user_id, name, notifier.now, how=how, **slack_profile_fields(profile))
    if admin is not None:
        locale = resolve_locale(str(profile.get("locale") or ""), workspace.locale)
        message = welcome_checklist(notifier.renderer, session, workspace, locale)
        notifier.send(session, workspace.id, user_id, message, f"welcome:{user_id}")
    return admin


def save_personal_settings(
    session: Session, notifier: Notifier, member: Member, prefs: Preferences, today: date, form_version: str
) -> None:
    """Save a person's own settings; a DM in the newly chosen language confirms them."""
    save_preferences(session, member.workspace_id, member.slack_id, prefs, today, notifier.now)
    saved = notifier.renderer.message(
        "settings_saved",
        prefs.locale,
        lesson_time=prefs.lesson_time,
        paused_until=prefs.paused_until.isoformat() if prefs.paused_until else None,
    )
    notifier.deliver(session, member, saved, f"settings-saved:{member.slack_id}:{form_version}")
