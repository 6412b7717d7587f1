"""Renewal reminders: which stage each certificate is in, claimed exactly once per stage.

Only the *current* stage is ever sent: a bot that was down for ten days sends the one
reminder that applies today, not the stages it missed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.certification.models import Certificate, CertificateReminder, CertificateStatus
from bot.certification.rules import CertificationRules
from bot.core.db.models import Member, Team


def stage_for(rules: CertificationRules, days_left: int) -> str | None:
    """T-30, T-14, T-7, T-1 before expiry, T0 on the day, then W1, W2, ... weekly while expired."""
    if days_left < 0:
        weeks = -days_left // rules.expired_reminder_every_days
        return f"W{weeks}" if weeks else "T0"
    if days_left == 0:
        return "T0"
    passed = [d for d in sorted(rules.reminder_days_before) if days_left <= d]
    return f"T-{passed[0]}" if passed else None


@dataclass(frozen=True)
class DueReminder:
    certificate: Certificate
    stage: str
    days_left: int


@dataclass(frozen=True)
class DueStage:
    certificate_id: int
    stage: str
    days_left: int


def due_reminders(session: Session, rules: CertificationRules, workspace_id: str, today: date) -> list[DueStage]:
    """Active, unbooked certificates at a stage not yet reminded.

    One indexed query (with the stages already sent); stages are computed in Python and
    full rows are loaded later, one at a time, by whoever claims each reminder.
    """
    horizon = today + timedelta(days=max(rules.reminder_days_before))
    rows = session.execute(
        select(Certificate.id, Certificate.valid_until, CertificateReminder.stage)
        .outerjoin(CertificateReminder, CertificateReminder.certificate_id == Certificate.id)
        .where(
            Certificate.status == CertificateStatus.ACTIVE,
            Certificate.valid_until <= horizon,
            Certificate.workspace_id == workspace_id,
            Certificate.reevaluation_booked_on.is_(None),
        )
    ).all()
    sent = {(cid, stage) for cid, _until, stage in rows if stage}
    due: dict[int, DueStage] = {}
    for cid, until, _stage in rows:
        days = (until - today).days
        stage = stage_for(rules, days)
        if stage and (cid, stage) not in sent:
            due[cid] = DueStage(cid, stage, days)
    return list(due.values())


def claim_reminder(session: Session, reminder: DueReminder, now: datetime) -> bool:
    """Record the stage as sent; False when another run got there first."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    result = session.execute(
        insert(CertificateReminder)
        .values(
            workspace_id=reminder.certificate.workspace_id,
            certificate_id=reminder.certificate.id,
            stage=reminder.stage,
            sent_at=now,
        )
        .on_conflict_do_nothing()
    )
    return bool(getattr(result, "rowcount", 0))


def stage_order(stage: str) -> tuple[int, int]:
    """T-30 before T-14 ... before T0 before W1, W2: the order HR reads the stages in."""
    if stage.startswith("T-"):
        return 0, -int(stage[2:])
    if stage.startswith("W"):
        return 2, int(stage[1:])
    return 1, 0


@dataclass(frozen=True)
class ToldStage:
    """A claimed reminder HR has not heard of yet, with what HR's line needs."""

    reminder_id: int
    stage: str
    certificate: Certificate
    team: str | None


def untold_reminders(session: Session, workspace_id: str, since: datetime) -> list[ToldStage]:
    """Reminders claimed since ``since`` that HR has not been told of, by stage and expiry.

    The rows are locked (SKIP LOCKED on PostgreSQL) so two instances never report the same
    reminder; one that finds its stage's message for the day already queued leaves them for
    the next day's message rather than marking them told.
    """
    rows = session.execute(
        select(CertificateReminder.id, CertificateReminder.stage, Certificate, Team.name)
        .join(Certificate, Certificate.id == CertificateReminder.certificate_id)
        .outerjoin(Member, Member.id == Certificate.member_id)
        .outerjoin(Team, Team.id == Member.team_id)
        .where(
            CertificateReminder.workspace_id == workspace_id,
            CertificateReminder.hr_told_at.is_(None),
            CertificateReminder.sent_at >= since,
        )
        .order_by(Certificate.valid_until, Certificate.holder_name, Certificate.number)
        .with_for_update(of=CertificateReminder, skip_locked=True)
    ).all()
    told = [ToldStage(rid, stage, cert, team) for rid, stage, cert, team in rows]
    return sorted(told, key=lambda row: stage_order(row.stage))


def mark_told(session: Session, reminder_ids: list[int], now: datetime) -> None:
    session.execute(update(CertificateReminder).where(CertificateReminder.id.in_(reminder_ids)).values(hr_told_at=now))


def lead_of(session: Session, member: Member | None) -> Member | None:
    if member is None or member.team_id is None:
        return None
    team = session.get(Team, member.team_id)
    return team.lead if team and team.lead and team.lead.id != member.id else None


@dataclass
class TeamDigest:
    team: str
    expiring: list[Certificate] = field(default_factory=list)
    expired: list[Certificate] = field(default_factory=list)
    booked: list[Certificate] = field(default_factory=list)


def digest(session: Session, rules: CertificationRules, workspace_id: str, today: date) -> list[TeamDigest]:
    """Expiring in the next 30 days, expired, and booked re-evaluations, by team."""
    window = today + timedelta(days=rules.reevaluation_window_days)
    rows = session.execute(
        select(Certificate, Team.name)
        .outerjoin(Member, Member.id == Certificate.member_id)
        .outerjoin(Team, Team.id == Member.team_id)
        .where(
            Certificate.workspace_id == workspace_id,
            Certificate.status == CertificateStatus.ACTIVE,
            Certificate.valid_until <= window,
        )
        .order_by(Certificate.valid_until)
    ).all()
    teams: dict[str, TeamDigest] = defaultdict(lambda: TeamDigest(""))
    for certificate, team in rows:
        entry = teams[team or "—"]
        entry.team = team or "—"
        if certificate.reevaluation_booked_on is not None:
            entry.booked.append(certificate)
        elif certificate.valid_until < today:
            entry.expired.append(certificate)
        else:
            entry.expiring.append(certificate)
    return sorted(teams.values(), key=lambda d: d.team)
