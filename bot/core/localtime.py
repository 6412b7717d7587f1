"""A member's own clock: Slack profile timezone, else the roster's, else the workspace's."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.db.models import Member, Workspace


def member_zone(member: Member, workspace: Workspace) -> ZoneInfo:
    for name in (member.slack_tz, member.timezone, workspace.timezone):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def lesson_clock(member: Member, workspace: Workspace) -> time:
    hours, minutes = (member.lesson_time or workspace.lesson_time or "09:30").split(":")
    return time(int(hours), int(minutes))


def local_today(member: Member, workspace: Workspace, now: datetime) -> date:
    return now.astimezone(member_zone(member, workspace)).date()
