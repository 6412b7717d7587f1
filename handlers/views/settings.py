"""Saving the settings modal: field errors shown in the modal, a DM confirms the change."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.errors import FieldErrors, UserError
from bot.people.preferences import parse_preferences
from bot.people.use_cases import save_personal_settings
from handlers.request import SlackRequest
from handlers.surfaces import modal
from handlers.views.state import selected


def register(app: App) -> None:
    app.view("settings")(modal(submit_settings))


def submit_settings(incoming: SlackRequest, view: dict[str, Any]) -> None:
    member = incoming.member_or_refuse()
    today = incoming.today()
    prefs, errors = parse_preferences(
        selected(view, "locale", "locale"),
        selected(view, "lesson_time", "lesson_time"),
        selected(view, "paused_until", "paused_until"),
        today,
    )
    if prefs is None:
        raise FieldErrors({block: UserError(key, block=block) for block, key in errors.items()})
    form_version = f"{view.get('id')}:{view.get('hash', '')}"
    with incoming.deps.sessions.begin() as session:
        save_personal_settings(session, incoming.notifier, member, prefs, today, form_version)
