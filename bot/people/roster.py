"""Roster import and export.

An import is all-or-nothing: every row is checked first, each problem is reported with
its line and the column as the file names it, and nothing is written unless the whole file
is good. Re-importing updates members by Slack id, so it never creates duplicates, and it
changes only what the file says: a column the file does not have, or an empty cell, leaves
the stored value alone, and a person's own language and lesson time survive. Members
missing from the file stay, unless the import is a ``sync``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.core.audit import record
from bot.core.chinese import simplified
from bot.core.db.models import Member, Role, Team
from bot.core.spreadsheets import (
    Change,
    Header,
    ImportReport,
    RowError,
    TableFileError,
    find_header,
    formula_cell,
    read_table,
    records,
    write_table,
)

REQUIRED = ("slack_id", "name", "team", "role")
OPTIONAL = ("department", "timezone", "locale", "lesson_time", "email", "staff_id")
PERSONAL = ("locale", "lesson_time")  # the person's own settings: the roster only fills them in
HEADER_ALIASES = {
    "slack id": "slack_id",
    "slackid": "slack_id",
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
    "lesson time": "lesson_time",
    "邮箱": "email",
    "电子邮件": "email",
    "工号": "staff_id",
    "员工编号": "staff_id",
    "staff id": "staff_id",
    "employee id": "staff_id",
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
    staff_id: str | None = None


def _canonical(header: str) -> str:
    key = simplified(header).strip().strip("*＊").lower().replace("-", "_")
    return HEADER_ALIASES.get(key, HEADER_ALIASES.get(key.replace("_", " "), key))


@dataclass(frozen=True)
class ParsedRoster:
    rows: list[RosterRow]
    errors: list[RowError]
    columns: frozenset[str]  # the optional columns the file has
    ignored: tuple[str, ...]  # columns Coachbot does not know, as the file names them


def read_roster(source: bytes | str, filename: str = "") -> ParsedRoster:
    try:
        table = read_table(source, filename)
    except TableFileError as error:
        return ParsedRoster([], [error.problem()], frozenset(), ())
    known = set(REQUIRED + OPTIONAL)
    header = find_header(table, _canonical, known)
    if not any(any(cell.strip() for cell in row) for row in table):
        return ParsedRoster([], [RowError(0, "empty_roster")], frozenset(), ())
    missing = [column for column in REQUIRED if header is None or column not in header.keys]
    if header is None or missing:
        where = header.line if header else 1
        return ParsedRoster(
            [], [RowError(where, "roster_columns_missing", {"missing": ", ".join(missing)})], frozenset(), ()
        )
    ignored = tuple(cell for cell in table[header.line - 1] if cell.strip() and _canonical(cell) not in known)
    rows: list[RosterRow] = []
    problems: list[RowError] = []
    seen: dict[str, int] = {}
    staff_seen: dict[str, int] = {}
    for number, fields in records(table, header, problems, MAX_ROWS):
        row, problem = _parse_row(number, fields, header)
        if problem:
            problems.append(problem)
        elif row:
            if row.slack_id in seen:
                problems.append(
                    RowError(number, "duplicate_slack_id", {"slack_id": row.slack_id, "first": seen[row.slack_id]})
                )
                continue
            if row.staff_id and row.staff_id.upper() in staff_seen:
                first = staff_seen[row.staff_id.upper()]
                problems.append(RowError(number, "duplicate_staff_id", {"staff_id": row.staff_id, "first": first}))
                continue
            seen[row.slack_id] = number
            if row.staff_id:
                staff_seen[row.staff_id.upper()] = number
            rows.append(row)
    if not rows and not problems:
        problems.append(RowError(0, "no_members"))
    columns = frozenset(key for key in header.keys if key in OPTIONAL)
    return ParsedRoster(rows, sorted(problems, key=lambda e: e.line), columns, ignored)


def parse_roster(source: bytes | str, filename: str = "") -> tuple[list[RosterRow], list[RowError]]:
    parsed = read_roster(source, filename)
    return parsed.rows, parsed.errors


def _parse_row(number: int, record: dict[str, str], header: Header) -> tuple[RosterRow | None, RowError | None]:
    if problem := formula_cell(number, record, header):
        return None, problem
    for column, value in record.items():
        if len(value) > MAX_TEXT and column != "email" and not column.startswith("ignored:"):
            return None, RowError(number, "too_long", {"column": header.name(column), "limit": MAX_TEXT})
    for column in REQUIRED:
        if not record[column]:
            return None, RowError(number, "empty_cell", {"column": header.name(column)})
    if not SLACK_USER_ID.match(record["slack_id"]):
        return None, RowError(number, "bad_slack_id", {"column": header.name("slack_id"), "value": record["slack_id"]})
    role = ROLE_ALIASES.get(record["role"].lower())
    if role is None:
        return None, RowError(number, "bad_role", {"column": header.name("role"), "value": record["role"]})
    timezone = record.get("timezone") or None
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return None, RowError(number, "bad_timezone", {"column": header.name("timezone"), "value": timezone})
    locale = record.get("locale") or None
    if locale and locale not in ("zh-CN", "en"):
        return None, RowError(number, "bad_locale", {"column": header.name("locale"), "value": locale})
    lesson_time = record.get("lesson_time") or None
    if lesson_time and not CLOCK_TIME.match(lesson_time):
        return None, RowError(number, "bad_lesson_time", {"column": header.name("lesson_time"), "value": lesson_time})
    email = record.get("email") or None
    if email and ("@" not in email or len(email) > 200):
        return None, RowError(number, "bad_email", {"column": header.name("email"), "value": email})
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
        staff_id=record.get("staff_id") or None,
    ), None


def import_roster(
    session: Session,
    workspace_id: str,
    source: bytes | str,
    now: datetime,
    actor: str = "cli",
    *,
    filename: str = "",
    sync: bool = False,
) -> ImportReport:
    """Validate then write; the caller commits only when the report is ok (and rolls back for
    a dry run). With ``sync``, active members the file does not list are deactivated."""
    parsed = read_roster(source, filename)
    if parsed.errors:
        return ImportReport(errors=parsed.errors)
    report = ImportReport(ignored_columns=parsed.ignored)
    role_changes: list[str] = []
    led: set[str] = set()
    teams = {t.name: t for t in session.scalars(select(Team).where(Team.workspace_id == workspace_id))}
    members = {m.slack_id: m for m in session.scalars(select(Member).where(Member.workspace_id == workspace_id))}
    if sync:
        listed = {row.slack_id for row in parsed.rows}
        for member in sorted(members.values(), key=lambda m: m.name):
            if member.active and member.slack_id not in listed:
                member.active, member.updated_at = False, now
                report.deactivated += 1
                report.changes.append(Change(0, f"{member.name} ({member.slack_id})", "deactivated"))
    for row in parsed.rows:
        team = teams.get(row.team)
        if team is None:
            team = teams[row.team] = Team(workspace_id=workspace_id, name=row.team)
            session.add(team)
            report.teams_created += 1
        found = members.get(row.slack_id)
        is_new = found is None
        if found is None:
            member = Member(workspace_id=workspace_id, slack_id=row.slack_id, created_at=now, active=True)
            session.add(member)
            report.created += 1
            report.changes.append(Change(row.line, f"{row.name} ({row.slack_id})", "new"))
        else:
            member = found
            if member.role != row.role:
                role_changes.append(f"{row.slack_id}: {member.role} -> {row.role.value}")
        changed = _apply(member, row, team, parsed.columns)
        if not is_new:
            if changed:
                report.updated += 1
                report.changes.append(Change(row.line, f"{row.name} ({row.slack_id})", "updated", changed))
            else:
                report.unchanged += 1
        member.updated_at = now
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
        detail={
            "created": report.created,
            "updated": report.updated,
            "deactivated": report.deactivated,
            "role_changes": role_changes,
        },
    )
    return report


def _apply(member: Member, row: RosterRow, team: Team, columns: frozenset[str]) -> tuple[str, ...]:
    """Write what the row says; the names of the fields that change."""
    wanted: dict[str, object] = {"name": row.name, "team": team, "role": row.role, "active": True}
    for column in columns:
        value = getattr(row, column)
        if value is None:
            continue  # an empty cell changes nothing
        if column in PERSONAL and getattr(member, column) is not None:
            continue  # the person chose it themselves
        wanted[column] = value
    changed = tuple(name for name, value in wanted.items() if getattr(member, name) != value)
    for name, value in wanted.items():
        setattr(member, name, value)
    return changed


EXPORT_COLUMNS = (
    "slack_id",
    "name",
    "team",
    "role",
    "department",
    "timezone",
    "locale",
    "lesson_time",
    "email",
    "staff_id",
)


def export_roster(session: Session, workspace_id: str, *, filename: str = "") -> tuple[bytes, int]:
    """Active members in the import's columns, as Excel opens them (CSV with a BOM or ``.xlsx``)."""
    members = session.scalars(
        select(Member)
        .where(Member.workspace_id == workspace_id, Member.active.is_(True))
        .options(selectinload(Member.team))
        .order_by(Member.name)
    )
    rows = [
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
            m.staff_id,
        )
        for m in members
    ]
    return write_table(EXPORT_COLUMNS, rows, filename), len(rows)
