"""The certificate register: numbers, assessments, renewals, views and permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.certification.models import Assessment, Certificate, CertificateStatus, ExamAttempt, ExamWindow
from bot.certification.rules import CertificationLevel, CertificationRules, certification_level, composite_score
from bot.core.audit import record
from bot.core.db.models import Member, Role
from bot.core.errors import UserError
from bot.people.teams import acts_for, led_team_ids


class DisplayStatus(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


def display_status(rules: CertificationRules, certificate: Certificate, today: date) -> DisplayStatus:
    if certificate.status != CertificateStatus.ACTIVE:
        return DisplayStatus(str(certificate.status))
    if certificate.valid_until < today:
        return DisplayStatus.EXPIRED
    if (certificate.valid_until - today).days <= rules.reevaluation_window_days:
        return DisplayStatus.EXPIRING
    return DisplayStatus.ACTIVE


PENDING_RESULTS = {"", "待复评", "待複評", "pending"}


def merged_result(previous: str | None, result: str) -> str:
    """复评结果 keeps its history: a new result follows the earlier ones (a pending mark is replaced)."""
    earlier = (previous or "").strip()
    return result if earlier.lower() in PENDING_RESULTS else f"{earlier}；{result}"


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):  # 29 Feb and 31sts land on the month's last day
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def next_number(session: Session, rules: CertificationRules, workspace_id: str, year: int) -> str:
    prefix = f"{rules.number_prefix}{year}"
    latest = session.scalar(
        select(func.max(Certificate.number)).where(
            Certificate.workspace_id == workspace_id, Certificate.number.like(f"{prefix}%")
        )
    )
    sequence = int(latest[len(prefix) :]) + 1 if latest and latest[len(prefix) :].isdigit() else 1
    return f"{prefix}{sequence:03d}"


def current_certificate(session: Session, member_id: int) -> Certificate | None:
    return session.scalar(
        select(Certificate)
        .where(Certificate.member_id == member_id, Certificate.status == CertificateStatus.ACTIVE)
        .order_by(Certificate.issue_date.desc(), Certificate.id.desc())
        .limit(1)
    )


def history(session: Session, member_id: int) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate).where(Certificate.member_id == member_id).order_by(Certificate.issue_date.desc())
        )
    )


def latest_assessment(session: Session, member_id: int) -> Assessment | None:
    return session.scalar(
        select(Assessment).where(Assessment.member_id == member_id).order_by(Assessment.id.desc()).limit(1)
    )


@dataclass(frozen=True)
class AssessmentResult:
    assessment: Assessment
    certificate: Certificate | None
    superseded: Certificate | None

    @property
    def passed(self) -> bool:
        return self.certificate is not None


def record_assessment(
    session: Session,
    rules: CertificationRules,
    *,
    holder: Member,
    assessor: str,
    theory: Decimal,
    practical: Decimal,
    daily: Decimal,
    today: date,
    now: datetime,
    result_text: str | None = None,
) -> AssessmentResult:
    """Score an agent; a pass issues a certificate (superseding the old one), a fail sets a retake date.

    ``result_text`` (e.g. 通过(复评总分85分), in the workspace's language) is added to the
    superseded certificate's 复评结果 after what the register already said there.
    """
    composite = composite_score(rules, theory, practical, daily)
    level = certification_level(rules, composite)
    assessment = Assessment(
        workspace_id=holder.workspace_id,
        member_id=holder.id,
        assessor=assessor,
        theory=theory,
        practical=practical,
        daily=daily,
        composite=composite,
        level=level.value,
        created_at=now,
    )
    session.add(assessment)
    certificate = superseded = None
    if level is CertificationLevel.NOT_CERTIFIED:
        assessment.retake_after = today + timedelta(days=rules.retake_after_days)
    else:
        superseded = current_certificate(session, holder.id)
        if superseded is not None:
            superseded.status = CertificateStatus.SUPERSEDED
            if result_text:
                superseded.reevaluation_result = merged_result(superseded.reevaluation_result, result_text)
        certificate = _issue(session, rules, holder, level, theory, practical, daily, composite, today, now)
        assessment.certificate_id = certificate.id
    record(
        session,
        workspace_id=holder.workspace_id,
        actor=assessor,
        action="cert.assessed",
        now=now,
        subject=holder.slack_id,
        detail={"composite": str(composite), "level": level.value},
    )
    session.flush()
    return AssessmentResult(assessment, certificate, superseded)


def _issue(
    session: Session,
    rules: CertificationRules,
    holder: Member,
    level: CertificationLevel,
    theory: Decimal,
    practical: Decimal,
    daily: Decimal,
    composite: Decimal,
    today: date,
    now: datetime,
) -> Certificate:
    for _ in range(5):  # two issuers at once may pick the same number; the unique key decides
        certificate = Certificate(
            workspace_id=holder.workspace_id,
            number=next_number(session, rules, holder.workspace_id, today.year),
            member_id=holder.id,
            holder_name=holder.name,
            department=holder.department,
            level=level.value,
            theory=theory,
            practical=practical,
            daily=daily,
            composite=composite,
            issue_date=today,
            valid_until=add_months(today, rules.validity_months),
            status=CertificateStatus.ACTIVE,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(certificate)
                session.flush()
            return certificate
        except IntegrityError:
            continue
    raise UserError("cert.errors.number_clash")


def can_view(viewer: Member, holder: Member, session: Session) -> bool:
    if viewer.id == holder.id or viewer.role in (Role.HR, Role.ADMIN):
        return True
    return viewer.role == Role.LEAD and holder.team_id is not None and holder.team_id in led_team_ids(session, viewer)


def require_assessor(session: Session, assessor: Member, holder: Member) -> None:
    if assessor.id == holder.id:
        raise UserError("cert.errors.self_assessment")
    if assessor.role in (Role.HR, Role.ADMIN):
        return
    if acts_for(session, assessor, holder):
        return
    raise UserError("cert.errors.not_your_team")


def book_reevaluation(session: Session, certificate_id: int, actor: Member, today: date, now: datetime) -> Certificate:
    certificate = session.get(Certificate, certificate_id)
    if certificate is None or certificate.workspace_id != actor.workspace_id:
        raise UserError("cert.errors.unknown_certificate")
    holder = certificate.member
    if holder is None or not can_view(actor, holder, session):
        raise UserError("cert.errors.not_your_team")
    if certificate.status != CertificateStatus.ACTIVE:
        raise UserError("cert.errors.not_active", number=certificate.number)
    if certificate.reevaluation_booked_on is None:
        certificate.reevaluation_booked_on = today
        record(
            session,
            workspace_id=actor.workspace_id,
            actor=actor.slack_id,
            action="cert.reevaluation_booked",
            subject=certificate.number,
            now=now,
        )
    return certificate


@dataclass(frozen=True)
class TeamRow:
    member: Member
    certificate: Certificate | None


@dataclass(frozen=True)
class TeamPage:
    rows: list[TeamRow]
    page: int
    pages: int
    total: int


def team_page(session: Session, team_ids: set[int], page: int, page_size: int = 20) -> TeamPage:
    """One page of a team's register, expired and expiring first: two queries whatever the team size."""
    current = aliased(Certificate)
    members = (Member.team_id.in_(team_ids), Member.active.is_(True), Member.role == Role.AGENT)
    total = int(session.scalar(select(func.count()).select_from(Member).where(*members)) or 0)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(Member, current)
        .outerjoin(current, (current.member_id == Member.id) & (current.status == CertificateStatus.ACTIVE))
        .where(*members)
        .order_by(case((current.id.is_(None), 1), else_=0), current.valid_until, Member.name)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return TeamPage([TeamRow(member, cert) for member, cert in rows], page, pages, total)


def forget_certification_data(
    session: Session, workspace_id: str, member_id: int, slack_id: str, now: datetime
) -> dict[str, int]:
    """Erase a person's certificates, assessments and exams; anonymise what they recorded for others."""
    counts: dict[str, int] = {}
    for label, model in (
        ("exam attempts", ExamAttempt),
        ("exam windows", ExamWindow),
        ("assessments", Assessment),
        ("certificates", Certificate),
    ):
        result = session.execute(delete(model).where(model.workspace_id == workspace_id, model.member_id == member_id))
        counts[label] = int(getattr(result, "rowcount", 0) or 0)
    for model, column in ((Assessment, Assessment.assessor), (ExamWindow, ExamWindow.opened_by)):
        result = session.execute(
            update(model).where(model.workspace_id == workspace_id, column == slack_id).values({column: "forgotten"})
        )
        counts["assessor references"] = counts.get("assessor references", 0) + int(getattr(result, "rowcount", 0) or 0)
    return counts
