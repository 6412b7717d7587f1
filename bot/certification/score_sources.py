"""Where component scores come from before a lead records an assessment:
the latest graded theory exam and the latest closed scoring poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.certification.models import ExamAttempt
from bot.polls.scoring import latest_practical_score


@dataclass(frozen=True)
class ScoreSources:
    theory: Decimal | None = None
    theory_date: date | None = None
    practical: Decimal | None = None


def latest_scores(session: Session, member_id: int) -> ScoreSources:
    exam = session.scalar(
        select(ExamAttempt)
        .where(ExamAttempt.member_id == member_id, ExamAttempt.status == "graded")
        .order_by(ExamAttempt.submitted_at.desc())
        .limit(1)
    )
    theory = exam.theory_score if exam else None
    theory_date = exam.submitted_at.date() if exam and exam.submitted_at else None
    poll = latest_practical_score(session, member_id)
    practical = Decimal(str(poll[0])).quantize(Decimal("0.01")) if poll else None
    return ScoreSources(theory=theory, theory_date=theory_date, practical=practical)
