"""The theory exam: a lead opens a window, the agent sits an exam drawn from a blueprint,
single choice is marked automatically, the lead grades the short answers.

The exam is a modal of a few questions a page; "Next" saves the page to the attempt, so
a closed modal reopens where it was left. Each attempt has its own deadline (the exam's
duration from the first page, never past the window), checked here, not in the client:
a page that arrives late is refused and what was saved before the deadline is handed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.certification.models import ExamAttempt, ExamWindow
from bot.core.audit import record
from bot.core.content.library import ContentLibrary
from bot.core.content.schema import ExamBlueprint, QuestionKind, ShortAnswer
from bot.core.db.models import Member
from bot.core.errors import FieldErrors, UserError

DEFAULT_BLUEPRINT = "theory_standard"
MAX_WINDOW_DAYS = 30
MAX_ANSWER = 3000
MAX_REASON = 500


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


@dataclass(frozen=True)
class ExamPage:
    """One page of the modal: its single-choice questions and short answers, numbered as
    in the whole exam (question 6 stays question 6 on page 2)."""

    number: int  # 1-based
    count: int  # pages in all
    choices: list[tuple[int, str]] = field(default_factory=list)  # (number in the exam, question id)
    shorts: list[tuple[int, ShortAnswer]] = field(default_factory=list)

    @property
    def last(self) -> bool:
        return self.number == self.count


def exam_pages(exam: ExamBlueprint, question_ids: list[str]) -> list[ExamPage]:
    items: list[tuple[str, object]] = [("choice", q) for q in question_ids]
    items += [("short", s) for s in exam.short_answers]
    size = exam.questions_per_page
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    pages = []
    for index, chunk in enumerate(chunks):
        first = index * size + 1
        numbered = list(enumerate(chunk, start=first))
        pages.append(
            ExamPage(
                number=index + 1,
                count=len(chunks),
                choices=[(n, str(item)) for n, (kind, item) in numbered if kind == "choice"],
                shorts=[(n - len(question_ids), item) for n, (kind, item) in numbered if isinstance(item, ShortAnswer)],
            )
        )
    return pages


def resume_page(exam: ExamBlueprint, attempt: ExamAttempt) -> ExamPage:
    """The first page with something unanswered: where the agent left off."""
    pages = exam_pages(exam, attempt.question_ids)
    for page in pages:
        if any(q not in attempt.answers for _, q in page.choices) or any(
            s.id not in attempt.short_answers for _, s in page.shorts
        ):
            return page
    return pages[-1]


def deadline(attempt: ExamAttempt, window: ExamWindow, exam: ExamBlueprint) -> datetime:
    """When the attempt's time runs out (attempts begun before deadlines were stored: the same rule)."""
    if attempt.closes_at is not None:
        return attempt.closes_at
    return min(attempt.created_at + timedelta(minutes=exam.duration_minutes), window.closes_at)


def _window_of(session: Session, attempt: ExamAttempt) -> ExamWindow:
    window = session.get(ExamWindow, attempt.window_id)
    assert window is not None  # the attempt cascades with its window
    return window


def attempt_deadline(session: Session, library: ContentLibrary, attempt: ExamAttempt) -> datetime:
    window = _window_of(session, attempt)
    return deadline(attempt, window, blueprint(library, window.blueprint_id))


def current_attempt(session: Session, member: Member) -> ExamAttempt | None:
    """The member's attempt that is still being sat, whether or not its time has run out."""
    return session.scalar(
        select(ExamAttempt)
        .where(ExamAttempt.member_id == member.id, ExamAttempt.status == "started")
        .order_by(ExamAttempt.id.desc())
        .limit(1)
    )


def start_attempt(session: Session, library: ContentLibrary, member: Member, now: datetime) -> ExamAttempt:
    """The attempt for the member's open window (the same one if they open the exam twice).

    An attempt still being sat is returned even after its deadline, so the caller can hand
    in what was saved; its deadline is fixed when the attempt begins.
    """
    started = current_attempt(session, member)
    if started is not None:
        return started
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
        raise UserError("exam.errors.already_submitted")
    exam = blueprint(library, window.blueprint_id)
    attempt = ExamAttempt(
        workspace_id=member.workspace_id,
        window_id=window.id,
        member_id=member.id,
        question_ids=draw_questions(library, exam, window.id),
        answers={},
        short_answers={},
        status="started",
        revision=0,
        closes_at=min(now + timedelta(minutes=exam.duration_minutes), window.closes_at),
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
    late: bool = False  # handed in by the deadline: only what was saved before it counts


def hand_in(
    session: Session, library: ContentLibrary, attempt: ExamAttempt, now: datetime, *, late: bool
) -> Submission:
    """Mark the single choices from the saved answers and hand the attempt in."""
    exam = blueprint(library, _window_of(session, attempt).blueprint_id)
    correct = sum(1 for q in attempt.question_ids if library.questions[q].is_correct({attempt.answers.get(q, "")}))
    attempt.choice_points = correct * exam.single_choice.points_each
    attempt.status, attempt.submitted_at = "submitted", now
    session.flush()
    return Submission(attempt, attempt.choice_points, exam.single_choice.count * exam.single_choice.points_each, late)


class PageResult(StrEnum):
    NEXT = "next"  # saved; show the next page
    HANDED_IN = "handed_in"  # the last page: saved and handed in
    LATE = "late"  # past the deadline: not saved; what was saved before it was handed in
    STALE = "stale"  # a retried or outdated form: nothing saved again; show where the attempt is
    DONE = "done"  # already handed in (a retry of the last page, or another device)


@dataclass(frozen=True)
class SavedPage:
    result: PageResult
    attempt: ExamAttempt
    submission: Submission | None = None


def save_page(
    session: Session,
    library: ContentLibrary,
    member: Member,
    attempt_id: int,
    revision: int,
    answers: dict[str, str],
    short_answers: dict[str, str],
    now: datetime,
) -> SavedPage:
    """Save one page's answers, exactly once: the form carries the revision it was built
    from, and only the submission that moves the attempt on from it writes."""
    attempt = session.get(ExamAttempt, attempt_id)
    if attempt is None or attempt.member_id != member.id:
        raise UserError("exam.errors.no_window")
    if attempt.status != "started":
        return SavedPage(PageResult.DONE, attempt)
    if now >= attempt_deadline(session, library, attempt):
        return SavedPage(PageResult.LATE, attempt, hand_in(session, library, attempt, now, late=True))
    missing = {f"q-{q}": UserError("exam.errors.answer_all") for q, a in answers.items() if not a}
    missing |= {
        f"s-{s}": UserError("exam.errors.answer_short") for s, text in short_answers.items() if not text.strip()
    }
    if missing:
        raise FieldErrors(missing)
    moved = session.execute(
        update(ExamAttempt)
        .where(ExamAttempt.id == attempt.id, ExamAttempt.revision == revision, ExamAttempt.status == "started")
        .values(revision=ExamAttempt.revision + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(attempt)
    if not getattr(moved, "rowcount", 0):
        return SavedPage(PageResult.STALE, attempt)
    known = set(attempt.question_ids)
    exam = blueprint(library, _window_of(session, attempt).blueprint_id)
    shorts = {s.id for s in exam.short_answers}
    attempt.answers = {**attempt.answers, **{q: a for q, a in answers.items() if q in known and a}}
    attempt.short_answers = {
        **attempt.short_answers,
        **{s: text[:MAX_ANSWER] for s, text in short_answers.items() if s in shorts},
    }
    session.flush()
    page = resume_page(exam, attempt)
    finished = page.last and all(s.id in attempt.short_answers for _, s in page.shorts)
    finished = finished and all(q in attempt.answers for q in attempt.question_ids)
    if finished:
        return SavedPage(PageResult.HANDED_IN, attempt, hand_in(session, library, attempt, now, late=False))
    return SavedPage(PageResult.NEXT, attempt)


def overdue_attempts(session: Session, now: datetime) -> list[int]:
    """Attempts still being sat whose time has run out (a closed modal nobody came back to)."""
    return list(
        session.scalars(select(ExamAttempt.id).where(ExamAttempt.status == "started", ExamAttempt.closes_at <= now))
    )


def _points_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class Grade:
    attempt: ExamAttempt
    previous: Decimal | None  # the theory score before a re-grade, None the first time
    repeated: bool = False  # the same grade arriving again (a retried form): nothing changed

    @property
    def regraded(self) -> bool:
        return self.previous is not None and not self.repeated


def previous_points(attempt: ExamAttempt) -> dict[str, Decimal]:
    return {k: Decimal(str(v)) for k, v in (attempt.short_points or {}).items()}


def grade_attempt(
    session: Session,
    library: ContentLibrary,
    attempt_id: int,
    grader: str,
    points: dict[str, Decimal],
    now: datetime,
    *,
    revision: int | None = None,
    reason: str = "",
) -> Grade:
    """Grade the short answers. A re-grade needs a reason and is audited with the grade it
    replaces; a form built before someone else's grade is refused, a retried one ignored."""
    attempt = session.get(ExamAttempt, attempt_id)
    if attempt is None or attempt.status == "started":
        raise UserError("exam.errors.not_submitted")
    exam = blueprint(library, _window_of(session, attempt).blueprint_id)
    first_block = f"g-{exam.short_answers[0].id}"
    wrong = {
        f"g-{short.id}": UserError("exam.errors.points", limit=short.points)
        for short in exam.short_answers
        if not Decimal(0) <= points.get(short.id, Decimal(-1)) <= short.points
    }
    if wrong:
        raise FieldErrors(wrong)  # each under its own grading field (block "g-<question id>")
    new_points = {s.id: points[s.id] for s in exam.short_answers}
    if revision is not None and revision != attempt.revision:
        if attempt.status == "graded" and previous_points(attempt) == new_points:
            return Grade(attempt, attempt.theory_score, repeated=True)
        raise UserError("exam.errors.graded_meanwhile", block=first_block)
    previous = attempt.theory_score if attempt.status == "graded" else None
    reason = " ".join(reason.split())[:MAX_REASON]
    if previous is not None and not reason:
        raise UserError("exam.errors.reason_needed", block="reason")
    moved = session.execute(
        update(ExamAttempt)
        .where(ExamAttempt.id == attempt.id, ExamAttempt.revision == attempt.revision)
        .values(revision=ExamAttempt.revision + 1)
        .execution_options(synchronize_session=False)
    )
    if not getattr(moved, "rowcount", 0):
        raise UserError("exam.errors.graded_meanwhile", block=first_block)
    session.refresh(attempt)
    attempt.short_points = {k: _points_text(v) for k, v in new_points.items()}
    attempt.theory_score = Decimal(int(attempt.choice_points or 0)) + sum(new_points.values(), Decimal(0))
    attempt.status = "graded"
    if previous is not None:
        attempt.grader_note = reason
    record(
        session,
        workspace_id=attempt.workspace_id,
        actor=grader,
        action="exam.regraded" if previous is not None else "exam.graded",
        now=now,
        subject=str(attempt.id),
        detail={"theory": _points_text(attempt.theory_score)}
        | ({"previous": _points_text(previous), "reason": reason} if previous is not None else {}),
    )
    session.flush()
    return Grade(attempt, previous)
