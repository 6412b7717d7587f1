"""Tables for wellbeing check-ins and peer support."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db.models import Base


class CheckIn(Base):
    """One answer to "how are you?". ``team_id`` is kept so anonymous team averages survive
    a member leaving; when a person is forgotten ``member_id`` becomes NULL and ``respondent``
    gets a random token, so weekly respondent counts stay right without naming anyone."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_member_date", "member_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    respondent: Mapped[str | None] = mapped_column(String(32))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    stress: Mapped[int] = mapped_column(Integer)
    energy: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime]


class CheckInPreference(Base):
    """A member's own check-in settings; no row means the defaults."""

    __tablename__ = "checkin_preferences"
    __table_args__ = (UniqueConstraint("member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    prompt_time: Mapped[str] = mapped_column(String(5), default="17:30")
    prompts_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    peer_supporter: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class CheckInPrompt(Base):
    """One scheduled prompt per member per local date (the unique key makes it exactly-once);
    ``answered_at`` is set by a conditional update, so a double click records one answer."""

    __tablename__ = "checkin_prompts"
    __table_args__ = (UniqueConstraint("member_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class WellbeingSettings(Base):
    """Per-workspace peer-support settings (defaults apply without a row)."""

    __tablename__ = "wellbeing_settings"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), primary_key=True)
    support_timeout_minutes: Mapped[int] = mapped_column(Integer, default=30)
    support_channel: Mapped[str | None] = mapped_column(String(32))  # else the workspace's HR channel
    updated_at: Mapped[datetime]


class SupportRequest(Base):
    """A request for a peer chat. Status moves open -> matched -> revealed -> closed, or to
    cancelled / fallback; every move is a conditional update, so two accepts cannot both win."""

    __tablename__ = "support_requests"
    __table_args__ = (Index("ix_support_requests_due", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    supporter_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    topic: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    channel: Mapped[str | None] = mapped_column(String(32))  # the group DM once both agreed
    helped: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    matched_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class SupportOffer(Base):
    """Who was offered a request: only they may accept it."""

    __tablename__ = "support_offers"
    __table_args__ = (UniqueConstraint("request_id", "supporter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"))
    supporter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
