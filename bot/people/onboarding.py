"""First run: who administers a new workspace, and how far its setup has come.

A workspace without an admin is not set up yet. Its first admin is the person who
installed the app (OAuth mode) or, with a single bot token, the first Slack workspace
admin or owner who uses `/coach` there; nobody else can claim it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Member, Role, Workspace
from bot.core.spreadsheets import RowError
from bot.people.members import find_member
from bot.people.roster import parse_roster

MAX_NAME = 100


@dataclass(frozen=True)
class SetupChecklist:
    members: int
    hr_channel: str | None
    locale: str
    timezone: str
    lesson_time: str

    @property
    def roster_loaded(self) -> bool:
        return self.members > 1  # more than the admin alone


@dataclass(frozen=True)
class RosterPreview:
    """What a roster file would do, before anything is written."""

    members: int
    teams: int
    errors: list[RowError]  # rendered in the admin's language by the template

    @property
    def ok(self) -> bool:
        return not self.errors and self.members > 0


def has_admin(session: Session, workspace_id: str) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.workspace_id == workspace_id, Member.role == Role.ADMIN, Member.active.is_(True))
        )
    )


def is_admin(session: Session, workspace_id: str, slack_id: str) -> bool:
    member = find_member(session, workspace_id, slack_id)
    return member is not None and member.active and member.role == Role.ADMIN


def make_first_admin(
    session: Session,
    workspace: Workspace,
    slack_id: str,
    name: str,
    now: datetime,
    *,
    how: str,
    slack_locale: str | None = None,
    slack_tz: str | None = None,
) -> Member | None:
    """Make ``slack_id`` the admin of a workspace that has none; None if it already has one."""
    if has_admin(session, workspace.id):
        return None
    member = find_member(session, workspace.id, slack_id)
    if member is None:
        member = Member(
            workspace_id=workspace.id, slack_id=slack_id, name=(name or slack_id)[:MAX_NAME], created_at=now
        )
        session.add(member)
    member.role, member.active, member.updated_at = Role.ADMIN, True, now
    member.slack_locale = slack_locale or member.slack_locale
    member.slack_tz = slack_tz or member.slack_tz
    session.flush()
    record(
        session, workspace_id=workspace.id, actor=slack_id, action="workspace.first_admin", now=now, detail={"how": how}
    )
    return member


def setup_checklist(session: Session, workspace: Workspace) -> SetupChecklist:
    members = session.scalar(
        select(func.count()).select_from(Member).where(Member.workspace_id == workspace.id, Member.active.is_(True))
    )
    return SetupChecklist(
        int(members or 0), workspace.hr_channel, workspace.locale, workspace.timezone, workspace.lesson_time
    )


def preview_roster(data: bytes, filename: str) -> RosterPreview:
    rows, errors = parse_roster(data, filename)
    return RosterPreview(len(rows), len({row.team for row in rows}), errors)


def slack_profile_fields(profile: dict[str, object]) -> dict[str, str | None]:
    """The language and timezone of a users.info profile, for make_first_admin."""
    locale, tz = profile.get("locale"), profile.get("tz")
    return {"slack_locale": str(locale) if locale else None, "slack_tz": str(tz) if tz else None}
