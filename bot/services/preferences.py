"""A member's own settings: language and the time of day their lesson arrives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.i18n import LOCALES
from bot.services.audit import record
from bot.services.members import require_member

CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Preferences:
    locale: str
    lesson_time: str


def validate_preferences(locale: str | None, lesson_time: str | None) -> dict[str, str]:
    """Field -> error key, for a modal to show next to the fields."""
    errors = {}
    if locale not in LOCALES:
        errors["locale"] = "settings.errors.locale"
    if not lesson_time or not CLOCK_TIME.match(lesson_time):
        errors["lesson_time"] = "settings.errors.lesson_time"
    return errors


def save_preferences(session: Session, workspace_id: str, slack_id: str, prefs: Preferences, now: datetime) -> None:
    if validate_preferences(prefs.locale, prefs.lesson_time):
        raise UserError("settings.errors.invalid")
    member = require_member(session, workspace_id, slack_id)
    member.locale, member.lesson_time, member.updated_at = prefs.locale, prefs.lesson_time, now
    record(
        session,
        workspace_id=workspace_id,
        actor=slack_id,
        action="settings.saved",
        now=now,
        detail={"locale": prefs.locale, "lesson_time": prefs.lesson_time},
    )
