"""Tables for daily lessons, quizzes, spaced repetition and pauses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db.models import Base


class Pause(Base):
    """A stretch of days a member asked not to be sent lessons (holiday, leave)."""

    __tablename__ = "pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)  # inclusive
    created_at: Mapped[datetime]


class LessonDelivery(Base):
    """One per member per local date: the unique key is what makes dispatch exactly-once."""

    __tablename__ = "lesson_deliveries"
    __table_args__ = (UniqueConstraint("member_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    lesson_id: Mapped[str | None] = mapped_column(String(64))  # None once the curriculum is done
    created_at: Mapped[datetime]


class QuizItem(Base):
    """A question sent to a member; the first answer is the one that counts."""

    __tablename__ = "quiz_items"
    __table_args__ = (Index("ix_quiz_items_member_answered", "member_id", "answered_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("lesson_deliveries.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))  # daily | review | practice
    sent_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answered_on: Mapped[date | None] = mapped_column(Date)  # the member's local date, for streaks
    chosen: Mapped[list[str] | None] = mapped_column(JSON)
    correct: Mapped[bool | None] = mapped_column(Boolean)


class ReviewCard(Base):
    """FSRS card state per member x question."""

    __tablename__ = "review_cards"
    __table_args__ = (UniqueConstraint("member_id", "question_id"), Index("ix_review_cards_due", "member_id", "due"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[dict[str, Any]]
    due: Mapped[datetime]
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_review: Mapped[datetime | None]
