"""A member's own settings: language, lesson time, and a pause (holiday, leave)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Member
from bot.core.i18n import LOCALES
from bot.learning.models import Pause
from bot.learning.reviews import stretch_reviews
from bot.people.members import require_member

CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LONGEST_PAUSE = timedelta(days=365)


@dataclass(frozen=True)
class Preferences:
    locale: str
    lesson_time: str
    paused_until: date | None = None


def parse_preferences(
    locale: str | None, lesson_time: str | None, paused_until: str | None, today: date
) -> tuple[Preferences | None, dict[str, str]]:
    """Preferences, or field -> error key for the modal to show next to the fields."""
    errors = {}
    if locale not in LOCALES:
        errors["locale"] = "settings.errors.locale"
    if not lesson_time or not CLOCK_TIME.match(lesson_time):
        errors["lesson_time"] = "settings.errors.lesson_time"
    until: date | None = None
    if paused_until:
        try:
            until = date.fromisoformat(paused_until)
        except ValueError:
            errors["paused_until"] = "settings.errors.pause_date"
        else:
            if until < today or until > today + LONGEST_PAUSE:
                errors["paused_until"] = "settings.errors.pause_range"
    if errors:
        return None, errors
    assert locale is not None and lesson_time is not None
    return Preferences(locale, lesson_time, until), {}


def save_preferences(
    session: Session, workspace_id: str, slack_id: str, prefs: Preferences, today: date, now: datetime
) -> Member:
    member = require_member(session, workspace_id, slack_id)
    member.locale, member.lesson_time, member.updated_at = prefs.locale, prefs.lesson_time, now
    if prefs.paused_until != member.paused_until:
        _change_pause(session, member, prefs.paused_until, today, now)
    record(
        session,
        workspace_id=workspace_id,
        actor=slack_id,
        action="settings.saved",
        now=now,
        detail={
            "locale": prefs.locale,
            "lesson_time": prefs.lesson_time,
            "paused_until": prefs.paused_until.isoformat() if prefs.paused_until else None,
        },
    )
    return member


def _change_pause(session: Session, member: Member, until: date | None, today: date, now: datetime) -> None:
    current = session.scalars(select(Pause).where(Pause.member_id == member.id, Pause.end_date >= today)).all()
    for pause in current:  # a new pause replaces the running one; clearing it ends it today
        if pause.start_date >= today:
            session.delete(pause)
        else:
            pause.end_date = today - timedelta(days=1)
    member.paused_until = until
    if until is None:
        return
    session.add(
        Pause(workspace_id=member.workspace_id, member_id=member.id, start_date=today, end_date=until, created_at=now)
    )
    stretch_reviews(session, member.id, now, (until - today) + timedelta(days=1))
