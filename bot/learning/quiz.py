"""Answering questions: the first answer counts; it updates the review card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.content.library import ContentLibrary
from bot.core.content.schema import Question
from bot.core.db.models import Member
from bot.learning.lessons import delivered_lesson_ids, next_lesson
from bot.learning.models import QuizItem
from bot.learning.reviews import due_question_ids, record_review


class AnswerStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # a second click: the first answer stands
    NOT_YOURS = "not_yours"  # a forged or forwarded button
    UNAVAILABLE = "unavailable"  # unknown item, or the question was retired


@dataclass(frozen=True)
class AnswerOutcome:
    status: AnswerStatus
    item: QuizItem | None = None
    question: Question | None = None

    @property
    def correct(self) -> bool:
        return bool(self.item and self.item.correct)


def answer(
    session: Session,
    library: ContentLibrary,
    member: Member,
    item_id: int,
    chosen: list[str],
    now: datetime,
    today: date,
) -> AnswerOutcome:
    # Lock the row where the database can, so two simultaneous clicks cannot both count.
    item = session.scalar(select(QuizItem).where(QuizItem.id == item_id).with_for_update())
    if item is None:
        return AnswerOutcome(AnswerStatus.UNAVAILABLE)
    if item.member_id != member.id or item.workspace_id != member.workspace_id:
        return AnswerOutcome(AnswerStatus.NOT_YOURS)
    question = library.questions.get(item.question_id)
    if question is None or question.retired:
        return AnswerOutcome(AnswerStatus.UNAVAILABLE, item)
    if item.answered_at is not None:
        return AnswerOutcome(AnswerStatus.ALREADY, item, question)
    valid = {option.id for option in question.options}
    picked = sorted({c for c in chosen if c in valid})
    if not picked:
        return AnswerOutcome(AnswerStatus.UNAVAILABLE, item, question)
    item.chosen, item.answered_at, item.answered_on = picked, now, today
    item.correct = question.is_correct(set(picked))
    record_review(
        session,
        workspace_id=member.workspace_id,
        member_id=member.id,
        question_id=question.id,
        correct=item.correct,
        now=now,
    )
    session.flush()
    return AnswerOutcome(AnswerStatus.RECORDED, item, question)


def practice_item(session: Session, library: ContentLibrary, member: Member, now: datetime) -> QuizItem | None:
    """One extra question: a due review first, else one from lessons already seen, else the next lesson."""
    candidates = due_question_ids(session, member.id, now, limit=5)
    if not candidates:
        seen = delivered_lesson_ids(session, member.id)
        upcoming = next_lesson(library, seen)
        lessons = sorted(seen) or ([upcoming.id] if upcoming else [])
        answered = set(session.scalars(select(QuizItem.question_id).where(QuizItem.member_id == member.id)))
        pool = [q.id for lesson in lessons for q in library.questions_for(lesson)]
        candidates = [q for q in pool if q not in answered] or pool
    candidates = [q for q in candidates if q in library.questions and not library.questions[q].retired]
    if not candidates:
        return None
    pick = candidates[(member.id + int(now.timestamp())) % len(candidates)]
    item = QuizItem(
        workspace_id=member.workspace_id, member_id=member.id, question_id=pick, source="practice", sent_at=now
    )
    session.add(item)
    session.flush()
    return item
