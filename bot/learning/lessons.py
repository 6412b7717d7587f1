"""Daily lessons: who is due, what they get, and the one-per-day delivery record."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from bot.core.content.bundle import Calendars
from bot.core.content.library import ContentLibrary
from bot.core.content.schema import Lesson
from bot.core.db.models import Member, Role, Workspace
from bot.core.localtime import lesson_clock, member_zone
from bot.learning.models import LessonDelivery, QuizItem
from bot.learning.reviews import due_question_ids

MAX_QUESTIONS = 3
NEW_QUESTIONS = 2
# After this long past the lesson time the day is skipped: a bot that was down all
# morning does not flood people with a lesson at night.
DELIVERY_WINDOW = timedelta(hours=3)
LEARNER_ROLES = (Role.AGENT,)


@dataclass(frozen=True)
class DueLearner:
    member: Member
    workspace: Workspace
    local_date: date


@dataclass(frozen=True)
class Delivery:
    record: LessonDelivery
    lesson: Lesson | None
    items: list[QuizItem]


def learners_due(session: Session, now: datetime, calendars: Calendars) -> list[DueLearner]:
    """Active learners whose local lesson time has passed today, on a working day, not paused,
    and who have no delivery for their local date yet."""
    members = session.scalars(
        select(Member).where(Member.active.is_(True), Member.role.in_(LEARNER_ROLES)).options(joinedload(Member.team))
    ).all()
    workspaces = {w.id: w for w in session.scalars(select(Workspace))}
    due: list[DueLearner] = []
    for member in members:
        workspace = workspaces[member.workspace_id]
        local = now.astimezone(member_zone(member, workspace))
        today = local.date()
        start = datetime.combine(today, lesson_clock(member, workspace), tzinfo=local.tzinfo)
        if not start <= local < start + DELIVERY_WINDOW:
            continue
        if member.paused_until and member.paused_until >= today:
            continue
        if not calendars(workspace).is_working_day(today):
            continue
        due.append(DueLearner(member, workspace, today))
    if not due:
        return []
    delivered = set(
        session.execute(
            select(LessonDelivery.member_id, LessonDelivery.local_date).where(
                LessonDelivery.member_id.in_([d.member.id for d in due])
            )
        )
    )
    return [d for d in due if (d.member.id, d.local_date) not in delivered]


def delivered_lesson_ids(session: Session, member_id: int) -> set[str]:
    rows = session.scalars(select(LessonDelivery.lesson_id).where(LessonDelivery.member_id == member_id))
    return {lesson for lesson in rows if lesson}


def next_lesson(library: ContentLibrary, delivered: Iterable[str]) -> Lesson | None:
    done = set(delivered)
    return next((lesson for lesson in library.curriculum if lesson.id not in done), None)


def pick_questions(
    session: Session, library: ContentLibrary, member_id: int, lesson: Lesson | None, now: datetime, seed: int
) -> list[tuple[str, str]]:
    """(question id, source) pairs: new material from the lesson mixed with due reviews."""
    rng = random.Random(seed)  # stable per member and day, so a retried job picks the same questions
    fresh = [q.id for q in library.questions_for(lesson.id)] if lesson else []
    rng.shuffle(fresh)
    review_slots = MAX_QUESTIONS - 1 if fresh else MAX_QUESTIONS
    reviews = [
        q
        for q in due_question_ids(session, member_id, now, review_slots, exclude=fresh)
        if q in library.questions and not library.questions[q].retired
    ]
    new = fresh[: min(NEW_QUESTIONS, MAX_QUESTIONS - len(reviews))]
    return [(q, "daily") for q in new] + [(q, "review") for q in reviews]


def deliver_day(session: Session, library: ContentLibrary, learner: DueLearner, now: datetime) -> Delivery | None:
    """Record today's lesson and questions; None when another run already did (unique key)."""
    member = learner.member
    lesson = next_lesson(library, delivered_lesson_ids(session, member.id))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = session.execute(
        insert(LessonDelivery)
        .values(
            workspace_id=member.workspace_id,
            member_id=member.id,
            local_date=learner.local_date,
            lesson_id=lesson.id if lesson else None,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(LessonDelivery.id)
    ).scalar()
    if inserted is None:
        return None
    record = session.get(LessonDelivery, inserted)
    assert record is not None
    seed = hash((member.id, learner.local_date.toordinal())) & 0xFFFFFFFF
    items = [
        QuizItem(
            workspace_id=member.workspace_id,
            member_id=member.id,
            delivery_id=record.id,
            question_id=question,
            source=source,
            sent_at=now,
        )
        for question, source in pick_questions(session, library, member.id, lesson, now, seed)
    ]
    session.add_all(items)
    session.flush()
    return Delivery(record, lesson, items)


def latest_lesson(session: Session, library: ContentLibrary, member_id: int) -> tuple[Lesson | None, date | None]:
    """The most recently delivered lesson and its date (for `/coach lesson`)."""
    row = session.execute(
        select(LessonDelivery.lesson_id, LessonDelivery.local_date)
        .where(LessonDelivery.member_id == member_id, LessonDelivery.lesson_id.is_not(None))
        .order_by(LessonDelivery.local_date.desc())
        .limit(1)
    ).first()
    if row is None or row[0] not in library.lessons:
        return None, None
    return library.lessons[row[0]], row[1]
