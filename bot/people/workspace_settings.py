"""Workspace-wide settings an admin changes: language, timezone, lesson time, working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Workspace
from bot.core.i18n import LOCALES
from bot.people.preferences import CLOCK_TIME

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingError(ValueError):
    """A bad value; the message names the setting and what is allowed."""


@dataclass(frozen=True)
class WorkspaceChanges:
    locale: str | None = None
    timezone: str | None = None
    lesson_time: str | None = None
    working_days: str | None = None  # "mon,tue,wed,thu,fri"
    holiday_country: str | None = None  # "CN", or "none"
    hr_channel: str | None = None
    lead_weekly_summary: bool | None = None


def parse_weekdays(text: str) -> str:
    days = [d.strip().lower()[:3] for d in text.split(",") if d.strip()]
    unknown = [d for d in days if d not in WEEKDAYS]
    if unknown or not days:
        raise SettingError(f"working days: use names like mon,tue,wed,thu,fri (got {text!r})")
    return ",".join(str(WEEKDAYS.index(d)) for d in sorted(set(days), key=WEEKDAYS.index))


def describe_weekdays(stored: str) -> str:
    return ",".join(WEEKDAYS[int(d)] for d in stored.split(",") if d.isdigit())


def apply_changes(session: Session, workspace: Workspace, changes: WorkspaceChanges, actor: str, now: datetime) -> None:
    if changes.locale is not None:
        if changes.locale not in LOCALES:
            raise SettingError("locale: must be zh-CN or en")
        workspace.locale = changes.locale
    if changes.timezone is not None:
        try:
            ZoneInfo(changes.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingError(f"timezone: unknown {changes.timezone!r}; use a name like Asia/Shanghai") from None
        workspace.timezone = changes.timezone
    if changes.lesson_time is not None:
        if not CLOCK_TIME.match(changes.lesson_time):
            raise SettingError("lesson time: use HH:MM on a 24-hour clock, like 09:30")
        workspace.lesson_time = changes.lesson_time
    if changes.working_days is not None:
        workspace.working_days = parse_weekdays(changes.working_days)
    if changes.holiday_country is not None:
        country = changes.holiday_country.upper()
        if country == "NONE":
            workspace.holiday_country = None
        elif country not in holidays.list_supported_countries():
            raise SettingError(f"holiday country: {country!r} is not a supported country code (e.g. CN, US, DE)")
        else:
            workspace.holiday_country = country
    if changes.hr_channel is not None:
        if changes.hr_channel and changes.hr_channel[:1] not in {"C", "G"}:
            raise SettingError("HR channel: use a channel id such as C0123456789")
        workspace.hr_channel = changes.hr_channel or None
    if changes.lead_weekly_summary is not None:
        workspace.lead_weekly_summary = changes.lead_weekly_summary
    record(
        session,
        workspace_id=workspace.id,
        actor=actor,
        action="workspace.settings",
        now=now,
        detail={k: v for k, v in changes.__dict__.items() if v is not None},
    )
