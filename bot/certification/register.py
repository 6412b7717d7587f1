"""Register import and export in the seed's columns, Chinese or English headers.

Like the roster import it is all-or-nothing: every row is checked first and each
problem is reported with its line number. Holders are matched through the roster by
``slack_id`` when given, else by name (an unknown or ambiguous name is a row error).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.certification.models import Certificate, CertificateStatus
from bot.certification.rules import CertificationLevel
from bot.core.audit import record
from bot.core.csv_safety import data_records, formula_problem, write_csv
from bot.core.db.models import Member
from bot.people.roster import ImportReport, RowError

COLUMNS = ("number", "name", "department", "level", "valid_until", "issue_date", "reevaluation_result")
REQUIRED = ("number", "name", "level", "valid_until", "issue_date")
HEADERS = {
    "证书编号": "number",
    "certificate number": "number",
    "certificate_number": "number",
    "number": "number",
    "姓名": "name",
    "name": "name",
    "部门": "department",
    "department": "department",
    "认证等级": "level",
    "等级": "level",
    "level": "level",
    "有效期至": "valid_until",
    "有效期": "valid_until",
    "valid until": "valid_until",
    "valid_until": "valid_until",
    "发证日期": "issue_date",
    "issue date": "issue_date",
    "issue_date": "issue_date",
    "复评结果": "reevaluation_result",
    "re-evaluation result": "reevaluation_result",
    "reevaluation result": "reevaluation_result",
    "reevaluation_result": "reevaluation_result",
    "slack_id": "slack_id",
    "slack id": "slack_id",
}
LEVELS = {
    "senior": CertificationLevel.SENIOR,
    "高级": CertificationLevel.SENIOR,
    "intermediate": CertificationLevel.INTERMEDIATE,
    "中级": CertificationLevel.INTERMEDIATE,
    "junior": CertificationLevel.JUNIOR,
    "初级": CertificationLevel.JUNIOR,
}
NUMBER = re.compile(r"^[A-Z]{1,5}\d{4}\d{3,}$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class RegisterRow:
    line: int
    number: str
    member: Member
    department: str | None
    level: CertificationLevel
    valid_until: date
    issue_date: date
    reevaluation_result: str | None


def parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _canonical(header: str) -> str:
    """A header in Chinese, English, or both ("证书编号 certificate number"); unknown ones are ignored."""
    text = header.strip().lower()
    first, _, rest = text.partition(" ")
    return HEADERS.get(text) or HEADERS.get(first) or HEADERS.get(rest) or f"ignored:{text}"


def parse_register(session: Session, workspace_id: str, text: str) -> tuple[list[RegisterRow], list[RowError]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [_canonical(h) for h in next(reader)]
    except StopIteration:
        return [], [RowError(0, "the file is empty; the first line must be the register header")]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [RowError(1, f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}")]
    members = list(session.scalars(select(Member).where(Member.workspace_id == workspace_id)))
    by_slack = {m.slack_id: m for m in members}
    names = Counter(m.name for m in members if m.active)
    by_name = {m.name: m for m in members if m.active}
    rows: list[RegisterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for number, fields in data_records(reader, header, problems):
        problem, row = _row(number, fields, by_slack, by_name, names)
        if problem:
            errors.append(RowError(number, problem))
        elif row:
            if row.number in seen:
                errors.append(RowError(number, f"certificate {row.number} already appears on line {seen[row.number]}"))
                continue
            seen[row.number] = number
            rows.append(row)
    errors = sorted(errors + [RowError(line, message) for line, message in problems], key=lambda e: e.line)
    if not rows and not errors:
        errors.append(RowError(0, "the file has a header but no certificates"))
    return rows, errors


def _row(
    line: int, record: dict[str, str], by_slack: dict[str, Member], by_name: dict[str, Member], names: Counter[str]
) -> tuple[str | None, RegisterRow | None]:
    if problem := formula_problem(record):
        return problem, None
    for column in REQUIRED:
        if not record.get(column):
            return f"{column} is empty", None
    if not NUMBER.match(record["number"]):
        return f"certificate number {record['number']!r} should look like CS2024001", None
    level = LEVELS.get(record["level"].lower())
    if level is None:
        return f"level {record['level']!r} is not one of 高级/中级/初级 (senior/intermediate/junior)", None
    issue, until = parse_date(record["issue_date"]), parse_date(record["valid_until"])
    if issue is None or until is None:
        bad = record["issue_date"] if issue is None else record["valid_until"]
        return f"date {bad!r} is not a date like 2024-06-30", None
    if until <= issue:
        return "valid until must be after the issue date", None
    slack_id = record.get("slack_id")
    if slack_id:
        member = by_slack.get(slack_id)
        if member is None:
            return f"slack_id {slack_id} is not in the roster", None
    else:
        name = record["name"]
        if names[name] > 1:
            return f"name {name!r} matches {names[name]} people in the roster; add a slack_id column", None
        found = by_name.get(name)
        if found is None:
            return f"name {name!r} is not in the roster; import the roster first or add a slack_id column", None
        member = found
    return None, RegisterRow(
        line=line,
        number=record["number"],
        member=member,
        department=record.get("department") or None,
        level=level,
        valid_until=until,
        issue_date=issue,
        reevaluation_result=record.get("reevaluation_result") or None,
    )


def import_register(session: Session, workspace_id: str, text: str, now: datetime, actor: str = "cli") -> ImportReport:
    rows, errors = parse_register(session, workspace_id, text)
    if errors:
        return ImportReport(errors=errors)
    report = ImportReport()
    existing = {
        c.number: c
        for c in session.scalars(
            select(Certificate).where(
                Certificate.workspace_id == workspace_id, Certificate.number.in_([r.number for r in rows])
            )
        )
    }
    for row in sorted(rows, key=lambda r: r.issue_date):
        certificate = existing.get(row.number)
        if certificate is None:
            certificate = Certificate(
                workspace_id=workspace_id, number=row.number, status=CertificateStatus.ACTIVE, created_at=now
            )
            session.add(certificate)
            report.created += 1
        else:
            report.updated += 1
        certificate.member_id, certificate.holder_name = row.member.id, row.member.name
        certificate.department = row.department or row.member.department
        certificate.level, certificate.issue_date, certificate.valid_until = (
            row.level.value,
            row.issue_date,
            row.valid_until,
        )
        certificate.reevaluation_result = row.reevaluation_result
        session.flush()
        # A member holds one active certificate: the newest one.
        older = session.scalars(
            select(Certificate).where(
                Certificate.member_id == row.member.id,
                Certificate.status == CertificateStatus.ACTIVE,
                Certificate.id != certificate.id,
            )
        )
        for other in older:
            if other.issue_date <= certificate.issue_date:
                other.status = CertificateStatus.SUPERSEDED
            else:
                certificate.status = CertificateStatus.SUPERSEDED
    session.flush()
    record(
        session,
        workspace_id=workspace_id,
        actor=actor,
        action="cert.imported",
        now=now,
        detail={"created": report.created, "updated": report.updated, "numbers": [r.number for r in rows][:500]},
    )
    return report


EXPORT_HEADER = (
    "证书编号 certificate number",
    "姓名 name",
    "部门 department",
    "认证等级 level",
    "有效期至 valid until",
    "发证日期 issue date",
    "复评结果 re-evaluation result",
    "slack_id",
    "status",
)
LEVEL_NAMES = {"senior": "高级", "intermediate": "中级", "junior": "初级"}


def export_register(session: Session, workspace_id: str, team_ids: set[int] | None = None) -> str:
    """The register as CSV, in the seed's columns (bilingual headers that the import reads back)."""
    query = (
        select(Certificate, Member.slack_id)
        .outerjoin(Member, Member.id == Certificate.member_id)
        .where(Certificate.workspace_id == workspace_id)
        .order_by(Certificate.number)
    )
    if team_ids is not None:
        query = query.where(Member.team_id.in_(team_ids))
    rows = (
        (
            c.number,
            c.holder_name,
            c.department or "",
            LEVEL_NAMES.get(c.level, c.level),
            c.valid_until.isoformat(),
            c.issue_date.isoformat(),
            c.reevaluation_result or "",
            slack_id or "",
            c.status,
        )
        for c, slack_id in session.execute(query)
    )
    return write_csv(EXPORT_HEADER, rows)
