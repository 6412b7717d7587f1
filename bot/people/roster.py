"""Roster import and export.

An import is all-or-nothing: every row is checked first, each problem is reported with
its line number, and nothing is written unless the whole file is good. Re-importing
updates members by Slack id, so it never creates duplicates.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.core.audit import record
from bot.core.csv_safety import data_records, formula_problem, write_csv
from bot.core.db.models import Member, Role, Team

REQUIRED = ("slack_id", "name", "team", "role")
OPTIONAL = ("department", "timezone", "locale", "lesson_time", "email")
HEADER_ALIASES = {
    "slack id": "slack_id",
    "slackid": "slack_id",
    "slack_id": "slack_id",
    "姓名": "name",
    "名字": "name",
    "团队": "team",
    "班组": "team",
    "小组": "team",
    "角色": "role",
    "部门": "department",
    "时区": "timezone",
    "语言": "locale",
    "学习时间": "lesson_time",
    "课程时间": "lesson_time",
    "邮箱": "email",
    "电子邮件": "email",
}
ROLE_ALIASES = {
    "agent": Role.AGENT,
    "客服": Role.AGENT,
    "坐席": Role.AGENT,
    "lead": Role.LEAD,
    "组长": Role.LEAD,
    "主管": Role.LEAD,
    "hr": Role.HR,
    "人事": Role.HR,
    "admin": Role.ADMIN,
    "管理员": Role.ADMIN,
}
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_ROWS = 20_000
MAX_TEXT = 100


@dataclass(frozen=True)
class RosterRow:
    line: int
    slack_id: str
    name: str
    team: str
    role: Role
    department: str | None = None
    timezone: str | None = None
    locale: str | None = None
    lesson_time: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    teams_created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _canonical(header: str) -> str:
    key = header.strip().lower().replace("-", "_")
    return HEADER_ALIASES.get(key, HEADER_ALIASES.get(key.replace("_", " "), key))


def parse_roster(text: str) -> tuple[list[RosterRow], list[RowError]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [_canonical(cell) for cell in next(reader)]
    except StopIteration:
        return [], [RowError(0, "the file is empty; the first line must be a header: slack_id,name,team,role")]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        return [], [RowError(1, f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}")]
    unknown = [column for column in header if column not in REQUIRED + OPTIONAL]
    if unknown:
        allowed = ", ".join(REQUIRED + OPTIONAL)
        return [], [RowError(1, f"unknown column(s) {', '.join(unknown)}; allowed: {allowed}")]
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for number, fields in data_records(reader, header, problems, MAX_ROWS):
        row, problem = _parse_row(number, fields)
        if problem:
            errors.append(RowError(number, problem))
        elif row:
            if row.slack_id in seen:
                errors.append(RowError(number, f"slack_id {row.slack_id} already appears on line {seen[row.slack_id]}"))
                continue
            seen[row.slack_id] = number
            rows.append(row)
    errors = sorted(errors + [RowError(line, message) for line, message in problems], key=lambda e: e.line)
    if not rows and not errors:
        errors.append(RowError(0, "the file has a header but no members"))
    return rows, errors


def _parse_row(number: int, record: dict[str, str]) -> tuple[RosterRow | None, str | None]:
    if problem := formula_problem(record):
        return None, problem
    for column, value in record.items():
        if len(value) > MAX_TEXT and column != "email":
            return None, f"{column} is longer than {MAX_TEXT} characters"
    for column in REQUIRED:
        if not record[column]:
            return None, f"{column} is empty"
    if not SLACK_USER_ID.match(record["slack_id"]):
        return (
            None,
            f"slack_id {record['slack_id']!r} is not a Slack member id (like U0123ABCD; profile > ⋮ > Copy member ID)",
        )
    role = ROLE_ALIASES.get(record["role"].lower())
    if role is None:
        return None, f"role {record['role']!r} is not one of agent, lead, hr, admin"
    timezone = record.get("timezone") or None
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return None, f"timezone {timezone!r} is unknown; use a name like Asia/Shanghai"
    locale = record.get("locale") or None
    if locale and locale not in ("zh-CN", "en"):
        return None, f"locale {locale!r} must be zh-CN or en"
    lesson_time = record.get("lesson_time") or None
    if lesson_time and not CLOCK_TIME.match(lesson_time):
        return None, f"lesson_time {lesson_time!r} must be HH:MM on a 24-hour clock, like 09:30"
    email = record.get("email") or None
    if email and ("@" not in email or len(email) > 200):
        return None, f"email {email!r} is not an email address"
    return RosterRow(
        line=number,
        slack_id=record["slack_id"],
        name=record["name"],
        team=record["team"],
        role=role,
        department=record.get("department") or None,
        timezone=timezone,
        locale=locale,
        lesson_time=lesson_time,
        email=email,
    ), None


def import_roster(session: Session, workspace_id: str, text: str, now: datetime, actor: str = "cli") -> ImportReport:
    """Validate then write; the caller commits only when the report is ok."""
    rows, errors = parse_roster(text)
    if errors:
        return ImportReport(errors=errors)
    report = ImportReport()
    role_changes: list[str] = []
    led: set[str] = set()
    teams = {t.name: t for t in session.scalars(select(Team).where(Team.workspace_id == workspace_id))}
    members = {
        m.slack_id: m
        for m in session.scalars(
            select(Member).where(Member.workspace_id == workspace_id, Member.slack_id.in_([r.slack_id for r in rows]))
        )
    }
    for row in rows:
        team = teams.get(row.team)
        if team is None:
            team = teams[row.team] = Team(workspace_id=workspace_id, name=row.team)
            session.add(team)
            report.teams_created += 1
        member = members.get(row.slack_id)
        if member is None:
            member = Member(workspace_id=workspace_id, slack_id=row.slack_id, created_at=now, active=True)
            session.add(member)
            report.created += 1
        else:
            report.updated += 1
            if member.role != row.role:
                role_changes.append(f"{row.slack_id}: {member.role} -> {row.role.value}")
        member.name, member.team, member.role = row.name, team, row.role
        member.department, member.timezone, member.locale = row.department, row.timezone, row.locale
        member.lesson_time, member.email, member.active, member.updated_at = row.lesson_time, row.email, True, now
        if row.role == Role.LEAD and row.team not in led:
            team.lead = member  # the first lead listed for a team leads it
            led.add(row.team)
    session.flush()
    record(
        session,
        workspace_id=workspace_id,
        actor=actor,
        action="roster.imported",
        now=now,
        detail={"created": report.created, "updated": report.updated, "role_changes": role_changes},
    )
    return report


EXPORT_COLUMNS = ("slack_id", "name", "team", "role", "department", "timezone", "locale", "lesson_time", "email")


def export_roster(session: Session, workspace_id: str) -> str:
    members = session.scalars(
        select(Member)
        .where(Member.workspace_id == workspace_id, Member.active.is_(True))
        .options(selectinload(Member.team))
        .order_by(Member.name)
    )
    rows = (
        (
            m.slack_id,
            m.name,
            m.team.name if m.team else "",
            m.role,
            m.department,
            m.timezone,
            m.locale,
            m.lesson_time,
            m.email,
        )
        for m in members
    )
    return write_csv(EXPORT_COLUMNS, rows)
