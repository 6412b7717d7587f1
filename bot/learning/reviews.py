"""Spaced repetition with FSRS: one card per member x question, state kept in the database.

No same-day learning steps: Coachbot meets people once a working day, so a wrong answer
comes back the next day and a right one a few days later, growing from there.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.learning.models import ReviewCard

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def record_review(
    session: Session, *, workspace_id: str, member_id: int, question_id: str, correct: bool, now: datetime
) -> ReviewCard:
    row = session.scalar(
        select(ReviewCard).where(ReviewCard.member_id == member_id, ReviewCard.question_id == question_id)
    )
    card = Card.from_dict(row.state) if row else Card()  # type: ignore[arg-type]
    card, _log = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, now)
    if row is None:
        row = ReviewCard(workspace_id=workspace_id, member_id=member_id, question_id=question_id, reviews=0, lapses=0)
        session.add(row)
    row.state, row.due, row.last_review = dict(card.to_dict()), card.due, now
    row.reviews += 1
    row.lapses += 0 if correct else 1
    session.flush()
    return row


def due_question_ids(
    session: Session, member_id: int, now: datetime, limit: int, exclude: Collection[str] = ()
) -> list[str]:
    """Questions whose review is due, most overdue first."""
    rows = session.scalars(
        select(ReviewCard.question_id)
        .where(ReviewCard.member_id == member_id, ReviewCard.due <= now)
        .order_by(ReviewCard.due)
        .limit(limit + len(exclude))
    )
    return [question for question in rows if question not in exclude][:limit]


def count_due(session: Session, member_id: int, now: datetime) -> int:
    return len(due_question_ids(session, member_id, now, limit=1000))


def stretch_reviews(session: Session, member_id: int, now: datetime, by: timedelta) -> int:
    """Push every review due from now on back by ``by``: a pause delays work, it does not pile it up."""
    rows = session.scalars(select(ReviewCard).where(ReviewCard.member_id == member_id, ReviewCard.due >= now))
    count = 0
    for row in rows:  # in Python: SQLite has no interval arithmetic
        row.due = row.due + by
        row.state = {**row.state, "due": row.due.isoformat()}
        count += 1
    return count
