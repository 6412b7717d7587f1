"""Tables for scoring polls (a panel scores a practical assessment) and quick polls.

Every answer is one row per person per poll (a unique key), so a double click or a
retried request updates that row instead of counting twice. A poll closes with one
conditional ``UPDATE ... WHERE status = 'open'``, so only one closer ever wins.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db.models import Base


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    NOT_ENOUGH = "not_enough"  # a scoring poll with too few scores: closed, nothing recorded


class ScoringPoll(Base):
    __tablename__ = "scoring_polls"
    __table_args__ = (Index("ix_scoring_polls_due", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    creator_slack: Mapped[str] = mapped_column(String(32))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    agent_slack: Mapped[str] = mapped_column(String(32))
    rubric_id: Mapped[str] = mapped_column(String(64))
    scale_max: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime]
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    share_with_agent: Mapped[bool] = mapped_column(Boolean, default=False)
    min_scores: Mapped[int] = mapped_column(Integer, default=2)
    scenario: Mapped[str | None] = mapped_column(Text)
    status: Mapped[PollStatus] = mapped_column(String(12), default=PollStatus.OPEN)
    version: Mapped[int] = mapped_column(Integer, default=0)  # bumped on every change: dedupes status updates
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class JudgeScore(Base):
    """A judge on a scoring poll; ``scores`` stays empty until they score, then is revised in place."""

    __tablename__ = "scoring_judges"
    __table_args__ = (UniqueConstraint("poll_id", "judge_slack"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    poll_id: Mapped[int] = mapped_column(ForeignKey("scoring_polls.id", ondelete="CASCADE"))
    judge_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    judge_slack: Mapped[str] = mapped_column(String(32))
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # criterion id -> points on the poll's scale
    comment: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime | None]
    revisions: Mapped[int] = mapped_column(Integer, default=0)


class PracticalScore(Base):
    """The mean panel total of a closed scoring poll: the practical part of certification."""

    __tablename__ = "practical_scores"
    __table_args__ = (UniqueConstraint("poll_id"), Index("ix_practical_scores_member", "member_id", "recorded_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    poll_id: Mapped[int] = mapped_column(ForeignKey("scoring_polls.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime]


class QuickPoll(Base):
    __tablename__ = "quick_polls"
    __table_args__ = (Index("ix_quick_polls_due", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    creator_slack: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    multi: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # results only at close
    deadline: Mapped[datetime | None]
    locale: Mapped[str] = mapped_column(String(8))  # the creator's: the channel message's language
    status: Mapped[PollStatus] = mapped_column(String(12), default=PollStatus.OPEN)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class QuickVote(Base):
    __tablename__ = "quick_poll_votes"
    __table_args__ = (UniqueConstraint("poll_id", "voter_slack"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    poll_id: Mapped[int] = mapped_column(ForeignKey("quick_polls.id", ondelete="CASCADE"))
    voter_slack: Mapped[str] = mapped_column(String(32))
    choices: Mapped[list[int]] = mapped_column(JSON)  # option indexes
    voted_at: Mapped[datetime]
