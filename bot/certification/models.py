"""Tables for the certification register: certificates, assessments, reminders, exams."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.db.models import Base, Member

SCORE = Numeric(5, 2)


class CertificateStatus(StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        Index("ix_certificates_expiry", "status", "valid_until"),
        Index("ix_certificates_member", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    number: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    holder_name: Mapped[str] = mapped_column(String(100))
    register_name: Mapped[str | None] = mapped_column(String(100))  # as HR's register writes it (张*A001)
    department: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    theory: Mapped[Decimal | None] = mapped_column(SCORE)
    practical: Mapped[Decimal | None] = mapped_column(SCORE)
    daily: Mapped[Decimal | None] = mapped_column(SCORE)
    composite: Mapped[Decimal | None] = mapped_column(SCORE)
    issue_date: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[CertificateStatus] = mapped_column(String(12), default=CertificateStatus.ACTIVE)
    reevaluation_result: Mapped[str | None] = mapped_column(String(200))
    reevaluation_booked_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]

    member: Mapped[Member | None] = relationship()


class Assessment(Base):
    """One recorded assessment: the three component scores and what came of them."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    assessor: Mapped[str] = mapped_column(String(32))  # Slack id of the lead/HR who recorded it
    theory: Mapped[Decimal] = mapped_column(SCORE)
    practical: Mapped[Decimal] = mapped_column(SCORE)
    daily: Mapped[Decimal] = mapped_column(SCORE)
    composite: Mapped[Decimal] = mapped_column(SCORE)
    level: Mapped[str] = mapped_column(String(16))
    retake_after: Mapped[date | None] = mapped_column(Date)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class CertificateReminder(Base):
    """One row per certificate and reminder stage: the key that makes each reminder exactly-once."""

    __tablename__ = "certificate_reminders"
    __table_args__ = (UniqueConstraint("certificate_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime]
    hr_told_at: Mapped[datetime | None]  # HR hears of reminders grouped by stage, once (see use_cases.tell_hr)


class ExamWindow(Base):
    """A lead lets an agent take the theory exam until ``closes_at``."""

    __tablename__ = "exam_windows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    opened_by: Mapped[str] = mapped_column(String(32))
    blueprint_id: Mapped[str] = mapped_column(String(64))
    closes_at: Mapped[datetime]
    created_at: Mapped[datetime]


class ExamAttempt(Base):
    __tablename__ = "exam_attempts"
    __table_args__ = (UniqueConstraint("window_id"),)  # one attempt per window

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    window_id: Mapped[int] = mapped_column(ForeignKey("exam_windows.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    choice_points: Mapped[int | None] = mapped_column(Integer)
    short_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    short_points: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    theory_score: Mapped[Decimal | None] = mapped_column(SCORE)
    status: Mapped[str] = mapped_column(String(12), default="started")  # started | submitted | graded
    grader_note: Mapped[str | None] = mapped_column(Text)  # why it was last re-graded
    # Bumped by every saved page and every grade: a form carries the revision it was built
    # from, so a retried submission is recognised (and not saved twice) and a stale one refused.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    closes_at: Mapped[datetime | None]  # the exam's duration from the first page, never past the window
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
