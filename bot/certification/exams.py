"""The theory exam: a lead opens a window, the agent sits an exam drawn from a blueprint,
single choice is marked automatically, the lead grades the short answers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.certification.models import ExamAttempt, ExamWindow
from bot.core.audit import record
from bot.core.content.library import ContentLibrary
from bot.core.content.schema import ExamBlueprint, QuestionKind
from bot.core.db.models import Member
from bot.core.errors import FieldErrors, UserError

DEFAULT_BLUEPRINT = "theory_standard"
MAX_WINDOW_DAYS = 30
MAX_ANSWER = 3000


def blueprint(library: ContentLibrary, blueprint_id: str = DEFAULT_BLUEPRINT) -> ExamBlueprint:
    found = next((e for e in library.exams if e.id == blueprint_id), None)
    if found is None:
        raise UserError("exam.errors.unknown_blueprint")
    return found


def open_window(session: Session, holder: Member, opened_by: str, days: int, now: datetime) -> ExamWindow:
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise UserError("exam.errors.days", limit=MAX_WINDOW_DAYS)
    window = ExamWindow(
        workspace_id=holder.workspace_id,
        member_id=holder.id,
        opened_by=opened_by,
        blueprint_id=DEFAULT_BLUEPRINT,
        closes_at=now + timedelta(days=days),
        created_at=now,
    )
    session.add(window)
    record(
        session,
        workspace_id=holder.workspace_id,
        actor=opened_by,
        action="exam.opened",
        subject=holder.slack_id,
        now=now,
        detail={"days": days},
    )
    session.flush()
    return window


def draw_questions(library: ContentLibrary, exam: ExamBlueprint, seed: int) -> list[str]:
    rng = random.Random(seed)
    drawn: list[str] = []
    for module_id, count in exam.single_choice.per_module.items():
        module = next(m for m in library.modules if m.id == module_id)
        pool = sorted(q.id for q in module.questions if q.kind is QuestionKind.SINGLE and not q.retired)
        drawn.extend(rng.sample(pool, count))
    return drawn


def start_attempt(session: Session, library: ContentLibrary, member: Member, now: datetime) -> ExamAttempt:
    """The attempt for the member's open window (the same one if they open the exam twice)."""
    window = session.scalar(
        select(ExamWindow)
        .where(ExamWindow.member_id == member.id, ExamWindow.closes_at > now)
        .order_by(ExamWindow.id.desc())
        .limit(1)
    )
    if window is None:
        raise UserError("exam.errors.no_window")
    attempt = session.scalar(select(ExamAttempt).where(ExamAttempt.window_id == window.id))
    if attempt is not None:
        if attempt.status != "started":
            raise UserError("exam.errors.already_submitted")
        return attempt
    exam = blueprint(library, window.blueprint_id)
    attempt = ExamAttempt(
        workspace_id=member.workspace_id,
        window_id=window.id,
        member_id=member.id,
        question_ids=draw_questions(library, exam, window.id),
        answers={},
        short_answers={},
        status="started",
        created_at=now,
    )
    session.add(attempt)
    session.flush()
    return attempt


@dataclass(frozen=True)
class Submission:
    attempt: ExamAttempt
    choice_points: int
    choice_total: int


def submit_attempt(
    session: Session,
    library: ContentLibrary,
    member: Member,
    attempt_id: int,
    answers: dict[str, str],
    short_answers: dict[str, str],
    now: datetime,
) -> Submission:
    attempt = session.get(ExamAttempt, attempt_id)
    if attempt is None or attempt.member_id != member.id:
        raise UserError("exam.errors.no_window")
    if attempt.status != "started":
        raise UserError("exam.errors.already_submitted")
    window = session.get(ExamWindow, attempt.window_id)
    if window is None or window.closes_at <= now:
        raise UserError("exam.errors.closed")
    exam = blueprint(library, window.blueprint_id)
    correct = sum(1 for q in attempt.question_ids if library.questions[q].is_correct({answers.get(q, "")}))
    attempt.answers = dict(answers)
    attempt.short_answers = {k: v[:MAX_ANSWER] for k, v in short_answers.items()}
    attempt.choice_points = correct * exam.single_choice.points_each
    attempt.status, attempt.submitted_at = "submitted", now
    session.flush()
    return Submission(attempt, attempt.choice_points, exam.single_choice.count * exam.single_choice.points_each)


def grade_attempt(
    session: Session,
    library: ContentLibrary,
    attempt_id: int,
    grader: str,
    points: dict[str, int],
    now: datetime,
) -> ExamAttempt:
    attempt = session.get(ExamAttempt, attempt_id)
    if attempt is None or attempt.status == "started":
        raise UserError("exam.errors.not_submitted")
    window = session.get(ExamWindow, attempt.window_id)
    assert window is not None
    exam = blueprint(library, window.blueprint_id)
    wrong = {
        f"g-{short.id}": UserError("exam.errors.points", limit=short.points)
        for short in exam.short_answers
        if not 0 <= points.get(short.id, -1) <= short.points
    }
    if wrong:
        raise FieldErrors(wrong)  # each under its own grading field (block "g-<question id>")
    attempt.short_points = {s.id: points[s.id] for s in exam.short_answers}
    attempt.theory_score = Decimal(int(attempt.choice_points or 0) + sum(attempt.short_points.values()))
    attempt.status = "graded"
    record(
        session,
        workspace_id=attempt.workspace_id,
        actor=grader,
        action="exam.graded",
        now=now,
        subject=str(attempt.id),
        detail={"theory": str(attempt.theory_score)},
    )
    session.flush()
    return attempt
