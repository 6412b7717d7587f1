"""The certificate register in and out, in the layout of the seed's template 5
(认证结果记录表) and its common variants: simplified or traditional headers, English
headers, level words with or without 专员, CSV in any Excel encoding or ``.xlsx``.

An import is all-or-nothing: every row is checked first and each problem is reported with
its line and the column as the file names it. Holders are matched by Slack id, then staff
id (工号), then by name, where a masked name such as 张*A001 carries the staff id; a name
matching two people is an error, a holder not in the roster is kept unlinked (no reminders
reach them) and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.certification.certificates import display_status
from bot.certification.models import Certificate, CertificateStatus
from bot.certification.rules import CertificationLevel, CertificationRules
from bot.core.audit import record
from bot.core.chinese import simplified
from bot.core.db.models import Member
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

COLUMNS = ("number", "name", "department", "level", "valid_until", "issue_date", "reevaluation_result")
REQUIRED = ("number", "name", "level", "valid_until", "issue_date")
KNOWN = {*COLUMNS, "slack_id", "staff_id", "status"}
HEADERS = {
    "认证编号": "number",
    "证书编号": "number",
    "编号": "number",
    "certificate number": "number",
    "certificate no": "number",
    "number": "number",
    "姓名": "name",
    "名字": "name",
    "name": "name",
    "部门": "department",
    "department": "department",
    "认证等级": "level",
    "认证级别": "level",
    "等级": "level",
    "级别": "level",
    "level": "level",
    "有效期": "valid_until",
    "有效期至": "valid_until",
    "有效期限": "valid_until",
    "到期日期": "valid_until",
    "valid until": "valid_until",
    "expires": "valid_until",
    "发证日期": "issue_date",
    "颁发日期": "issue_date",
    "发证时间": "issue_date",
    "issue date": "issue_date",
    "issued": "issue_date",
    "复评结果": "reevaluation_result",
    "re-evaluation result": "reevaluation_result",
    "reevaluation result": "reevaluation_result",
    "slack id": "slack_id",
    "工号": "staff_id",
    "员工编号": "staff_id",
    "staff id": "staff_id",
    "employee id": "staff_id",
    "状态": "status",
    "status": "status",
}
LEVELS = {
    "高级": CertificationLevel.SENIOR,
    "senior": CertificationLevel.SENIOR,
    "中级": CertificationLevel.INTERMEDIATE,
    "intermediate": CertificationLevel.INTERMEDIATE,
    "初级": CertificationLevel.JUNIOR,
    "junior": CertificationLevel.JUNIOR,
}
LEVEL_NOISE = re.compile(r"客户服务|客服|专员|认证|specialist|agent|\s")
NUMBER = re.compile(r"^[A-Z]{1,5}\d{4}\d{3,}$")
MASKED_NAME = re.compile(r"^(?P<surname>[^\W\d_]+)[*＊]+(?P<staff>[A-Za-z]*\d+)$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class RegisterRow:
    line: int
    number: str
    name: str  # as the register writes it
    member: Member | None  # None: not in the roster
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


def column_key(header: str) -> str:
    """A header as HR writes it: 认证编号, 認證編號, 姓名*, 复评结果(有效期前1个月),
    "证书编号 certificate number", Valid_Until; unknown ones are ignored."""
    text = simplified(header).strip().lower().replace("_", " ")
    text = re.sub(r"[(（].*?[)）]", "", text).strip().strip("*＊:： ")
    first, _, rest = text.partition(" ")
    return HEADERS.get(text) or HEADERS.get(first) or HEADERS.get(rest.strip()) or f"ignored:{text}"


def parse_level(text: str) -> CertificationLevel | None:
    """高级 / 高級專員 / 高级客户服务专员 / Senior."""
    return LEVELS.get(LEVEL_NOISE.sub("", simplified(text).lower()))


class _Roster:
    """The workspace's active members, indexed the ways a register names people."""

    def __init__(self, session: Session, workspace_id: str) -> None:
        members = list(session.scalars(select(Member).where(Member.workspace_id == workspace_id, Member.active)))
        self.by_slack = {m.slack_id: m for m in members}
        self.by_staff = {m.staff_id.upper(): m for m in members if m.staff_id}
        self.names = Counter(m.name for m in members)
        self.by_name = {m.name: m for m in members}

    def holder(self, line: int, record: dict[str, str], header: Header) -> tuple[Member | None, RowError | None]:
        if slack_id := record.get("slack_id"):
            found = self.by_slack.get(slack_id)
            return found, None if found else RowError(line, "unknown_slack_id", {"slack_id": slack_id})
        if staff := record.get("staff_id"):
            found = self.by_staff.get(staff.upper())
            return found, None if found else RowError(line, "unknown_staff_id", {"staff_id": staff})
        name = record["name"]
        if self.names[name] > 1:
            return None, RowError(line, "ambiguous_name", {"name": name, "count": self.names[name]})
        if name in self.by_name:
            return self.by_name[name], None
        masked = MASKED_NAME.match(name)
        if masked:
            found = self.by_staff.get(masked["staff"].upper())
            if found and not simplified(found.name).startswith(simplified(masked["surname"])):
                return None, RowError(
                    line, "masked_name_mismatch", {"name": name, "staff_id": masked["staff"], "holder": found.name}
                )
            return found, None
        return None, None


def parse_register(
    session: Session, workspace_id: str, source: bytes | str, filename: str = ""
) -> tuple[list[RegisterRow], list[RowError]]:
    try:
        table = read_table(source, filename)
    except TableFileError as error:
        return [], [error.problem()]
    if not any(any(cell.strip() for cell in row) for row in table):
        return [], [RowError(0, "empty_file")]
    header = find_header(table, column_key, KNOWN)
    missing = [c for c in REQUIRED if header is None or c not in header.keys]
    if header is None or missing:
        line = header.line if header else 1
        return [], [RowError(line, "register_columns_missing", {"missing": _names(missing), "layout": _names(COLUMNS)})]
    roster = _Roster(session, workspace_id)
    rows: list[RegisterRow] = []
    problems: list[RowError] = []
    seen: dict[str, int] = {}
    for line, fields in records(table, header, problems):
        row, problem = _row(line, fields, header, roster)
        if problem:
            problems.append(problem)
        elif row:
            if row.number in seen:
                problems.append(RowError(line, "duplicate_number", {"number": row.number, "first": seen[row.number]}))
                continue
            seen[row.number] = line
            rows.append(row)
    if not rows and not problems:
        problems.append(RowError(0, "no_certificates"))
    return rows, sorted(problems, key=lambda e: e.line)


def _names(keys: Sequence[str]) -> str:
    """Required columns named as the seed's template names them."""
    return "、".join(SEED_HEADER[COLUMNS.index(key)].rstrip("*") for key in keys)


def _row(
    line: int, record: dict[str, str], header: Header, roster: _Roster
) -> tuple[RegisterRow | None, RowError | None]:
    if problem := formula_cell(line, record, header):
        return None, problem
    for key in REQUIRED:
        if not record.get(key):
            return None, RowError(line, "empty_cell", {"column": header.name(key)})
    if not NUMBER.match(record["number"]):
        return None, RowError(line, "bad_number", {"column": header.name("number"), "value": record["number"]})
    level = parse_level(record["level"])
    if level is None:
        return None, RowError(line, "bad_level", {"column": header.name("level"), "value": record["level"]})
    dates: dict[str, date] = {}
    for key in ("issue_date", "valid_until"):
        parsed = parse_date(record[key])
        if parsed is None:
            return None, RowError(line, "bad_date", {"column": header.name(key), "value": record[key]})
        dates[key] = parsed
    if dates["valid_until"] <= dates["issue_date"]:
        return None, RowError(
            line, "dates_out_of_order", {"until": header.name("valid_until"), "issued": header.name("issue_date")}
        )
    member, problem = roster.holder(line, record, header)
    if problem:
        return None, problem
    return RegisterRow(
        line=line,
        number=record["number"],
        name=record["name"],
        member=member,
        department=record.get("department") or None,
        level=level,
        valid_until=dates["valid_until"],
        issue_date=dates["issue_date"],
        reevaluation_result=record.get("reevaluation_result") or None,
    ), None


def import_register(
    session: Session, workspace_id: str, source: bytes | str, now: datetime, actor: str = "cli", filename: str = ""
) -> ImportReport:
    """Validate every row, then write; the caller commits only when the report is ok (and
    rolls back for a dry run: the report's ``changes`` say what would happen)."""
    rows, errors = parse_register(session, workspace_id, source, filename)
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
    for row in sorted(rows, key=lambda r: (r.issue_date, r.line)):
        certificate = existing.get(row.number)
        if certificate is None:
            certificate = Certificate(
                workspace_id=workspace_id, number=row.number, status=CertificateStatus.ACTIVE, created_at=now
            )
            session.add(certificate)
            report.created += 1
            report.changes.append(Change(row.line, row.number, "new"))
        changed = _apply(certificate, row)
        if row.number in existing:
            if changed:
                report.updated += 1
                report.changes.append(Change(row.line, row.number, "updated", changed))
            else:
                report.unchanged += 1
        if row.member is None:
            report.unlinked.append(row.line)
            report.changes.append(Change(row.line, row.name, "unlinked"))
            continue
        session.flush()
        _supersede_older(session, certificate, row.member.id)
    report.changes.sort(key=lambda c: c.line)
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


def _apply(certificate: Certificate, row: RegisterRow) -> tuple[str, ...]:
    """Write the row's values; the fields that changed, as the seed names its columns."""
    values = {
        "name": row.name,
        "department": row.department or (row.member.department if row.member else None),
        "level": row.level.value,
        "valid_until": row.valid_until,
        "issue_date": row.issue_date,
        "reevaluation_result": row.reevaluation_result,
    }
    current = {
        "name": certificate.register_name or certificate.holder_name,
        "department": certificate.department,
        "level": certificate.level,
        "valid_until": certificate.valid_until,
        "issue_date": certificate.issue_date,
        "reevaluation_result": certificate.reevaluation_result,
    }
    changed = tuple(SEED_HEADER[COLUMNS.index(k)].rstrip("*") for k in values if values[k] != current[k])
    certificate.member_id = row.member.id if row.member else None
    certificate.holder_name = row.member.name if row.member else row.name
    certificate.register_name = row.name
    certificate.department = values["department"]  # type: ignore[assignment]
    certificate.level = row.level.value
    certificate.issue_date, certificate.valid_until = row.issue_date, row.valid_until
    certificate.reevaluation_result = row.reevaluation_result
    return changed


def _supersede_older(session: Session, certificate: Certificate, member_id: int) -> None:
    """A member holds one active certificate: the newest one."""
    older = session.scalars(
        select(Certificate).where(
            Certificate.member_id == member_id,
            Certificate.status == CertificateStatus.ACTIVE,
            Certificate.id != certificate.id,
        )
    )
    for other in older:
        if other.issue_date <= certificate.issue_date:
            other.status = CertificateStatus.SUPERSEDED
        else:
            certificate.status = CertificateStatus.SUPERSEDED


# The seed's template 5, column for column; the two after it are Coachbot's own.
SEED_HEADER = ("认证编号", "姓名*", "部门", "认证等级", "有效期", "发证日期", "复评结果(有效期前1个月)")
ENGLISH_HEADER = (
    "Certificate number",
    "Name",
    "Department",
    "Level",
    "Valid until",
    "Issue date",
    "Re-evaluation result",
)
LEVEL_WORDS = {
    "zh-CN": {"senior": "高级专员", "intermediate": "中级专员", "junior": "初级专员"},
    "en": {"senior": "Senior", "intermediate": "Intermediate", "junior": "Junior"},
}


def export_status(rules: CertificationRules, certificate: Certificate, today: date) -> str:
    """active | expiring | expired | booked | superseded | revoked, on ``today``."""
    status = display_status(rules, certificate, today).value
    if status in ("active", "expiring") and certificate.reevaluation_booked_on is not None:
        return "booked"
    return status


def export_register(
    session: Session,
    workspace_id: str,
    team_ids: set[int] | None = None,
    *,
    rules: CertificationRules,
    today: date,
    locale: str = "zh-CN",
    filename: str = "",
) -> tuple[bytes, int]:
    """The register as Excel opens it (CSV with a BOM, or ``.xlsx`` by ``filename``) in the
    seed's columns, which the import reads back unchanged, and the number of certificates."""
    query = (
        select(Certificate, Member.slack_id)
        .outerjoin(Member, Member.id == Certificate.member_id)
        .where(Certificate.workspace_id == workspace_id)
        .order_by(Certificate.number)
    )
    if team_ids is not None:
        query = query.where(Member.team_id.in_(team_ids))
    words = LEVEL_WORDS.get(locale, LEVEL_WORDS["zh-CN"])
    rows = [
        (
            c.number,
            c.register_name or c.holder_name,
            c.department or "",
            words.get(c.level, c.level),
            c.valid_until.isoformat(),
            c.issue_date.isoformat(),
            c.reevaluation_result or "",
            slack_id or "",
            export_status(rules, c, today),
        )
        for c, slack_id in session.execute(query)
    ]
    header = (*(SEED_HEADER if locale == "zh-CN" else ENGLISH_HEADER), "slack_id", "status")
    return write_table(header, rows, filename), len(rows)
