"""Peer support: a request offered anonymously to opted-in colleagues; the first to accept
wins (a conditional update, so concurrent accepts cannot both succeed); the requester then
chooses whether to reveal themselves; unanswered requests fall back to a support channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Member, Team, Workspace
from bot.core.errors import UserError
from bot.wellbeing.models import CheckInPreference, SupportOffer, SupportRequest, WellbeingSettings

TOPIC_LIMIT = 200
DEFAULT_TIMEOUT_MINUTES = 30
LONGEST_TIMEOUT_MINUTES = 24 * 60


class Status(StrEnum):
    OPEN = "open"  # offered to peers, nobody accepted yet
    MATCHED = "matched"  # a peer accepted; the requester decides whether to reveal
    REVEALED = "revealed"  # both are in a group DM
    CLOSED = "closed"
    CANCELLED = "cancelled"
    FALLBACK = "fallback"  # nobody accepted in time; handed to the support channel


ACTIVE = (Status.OPEN, Status.MATCHED, Status.REVEALED)


class AcceptResult(StrEnum):
    WON = "won"
    TAKEN = "taken"
    NOT_OFFERED = "not_offered"
    CLOSED = "closed"


@dataclass(frozen=True)
class SupportSettings:
    timeout_minutes: int
    channel: str | None  # the configured support channel, else the workspace's HR channel


@dataclass(frozen=True)
class NewRequest:
    request: SupportRequest
    supporters: list[Member]
    settings: SupportSettings


def support_settings(session: Session, workspace_id: str) -> SupportSettings:
    row = session.get(WellbeingSettings, workspace_id)
    workspace = session.get(Workspace, workspace_id)
    hr_channel = workspace.hr_channel if workspace else None
    if row is None:
        return SupportSettings(DEFAULT_TIMEOUT_MINUTES, hr_channel)
    return SupportSettings(row.support_timeout_minutes, row.support_channel or hr_channel)


def configure(
    session: Session, actor: Member, now: datetime, *, timeout_minutes: int | None, channel: str | None
) -> SupportSettings:
    if timeout_minutes is not None and not 1 <= timeout_minutes <= LONGEST_TIMEOUT_MINUTES:
        raise UserError("support.errors.timeout", longest=LONGEST_TIMEOUT_MINUTES)
    if channel is not None and channel[:1] not in {"C", "G"}:
        raise UserError("support.errors.channel")
    row = session.get(WellbeingSettings, actor.workspace_id)
    if row is None:
        row = WellbeingSettings(
            workspace_id=actor.workspace_id, support_timeout_minutes=DEFAULT_TIMEOUT_MINUTES, updated_at=now
        )
        session.add(row)
    if timeout_minutes is not None:
        row.support_timeout_minutes = timeout_minutes
    if channel is not None:
        row.support_channel = channel
    row.updated_at = now
    record(
        session,
        workspace_id=actor.workspace_id,
        actor=actor.slack_id,
        action="support.configured",
        now=now,
        detail={"timeout_minutes": row.support_timeout_minutes, "channel": row.support_channel},
    )
    session.flush()
    return support_settings(session, actor.workspace_id)


def peer_supporters(session: Session, requester: Member) -> list[Member]:
    """Active opted-in supporters in the requester's workspace, never the requester."""
    return list(
        session.scalars(
            select(Member)
            .join(CheckInPreference, CheckInPreference.member_id == Member.id)
            .where(
                Member.workspace_id == requester.workspace_id,
                Member.active.is_(True),
                Member.id != requester.id,
                CheckInPreference.peer_supporter.is_(True),
            )
            .order_by(Member.id)
        )
    )


def active_request(session: Session, requester: Member) -> SupportRequest | None:
    return session.scalar(
        select(SupportRequest)
        .where(SupportRequest.requester_id == requester.id, SupportRequest.status.in_(ACTIVE))
        .order_by(SupportRequest.id.desc())
        .limit(1)
    )


def create_request(session: Session, requester: Member, topic: str, now: datetime) -> NewRequest:
    topic = " ".join(topic.split())
    if len(topic) > TOPIC_LIMIT:
        raise UserError("support.errors.topic", limit=TOPIC_LIMIT)
    if active_request(session, requester) is not None:
        raise UserError("support.errors.already_open")
    settings = support_settings(session, requester.workspace_id)
    supporters = peer_supporters(session, requester)
    # With nobody to offer it to, the request is due for fallback at once (next job tick).
    wait = timedelta(minutes=settings.timeout_minutes) if supporters else timedelta(0)
    request = SupportRequest(
        workspace_id=requester.workspace_id,
        requester_id=requester.id,
        topic=topic,
        status=Status.OPEN,
        created_at=now,
        expires_at=now + wait,
    )
    session.add(request)
    session.flush()
    session.add_all(
        SupportOffer(workspace_id=requester.workspace_id, request_id=request.id, supporter_id=s.id, created_at=now)
        for s in supporters
    )
    session.flush()
    return NewRequest(request, supporters, settings)


def _move(session: Session, request_id: int, from_: tuple[Status, ...], **values: object) -> bool:
    """A conditional status change: True only for the one transaction that made it."""
    result = session.execute(
        update(SupportRequest)
        .where(SupportRequest.id == request_id, SupportRequest.status.in_(from_))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def _fresh(session: Session, request_id: int) -> SupportRequest | None:
    request = session.get(SupportRequest, request_id)
    if request is not None:
        session.refresh(request)
    return request


def accept(session: Session, request_id: int, supporter: Member, now: datetime) -> tuple[AcceptResult, SupportRequest]:
    request = session.get(SupportRequest, request_id)
    offered = session.scalar(
        select(SupportOffer.id).where(SupportOffer.request_id == request_id, SupportOffer.supporter_id == supporter.id)
    )
    if request is None or offered is None or request.requester_id == supporter.id:
        raise UserError("support.errors.not_offered")
    if _move(session, request_id, (Status.OPEN,), status=Status.MATCHED, supporter_id=supporter.id, matched_at=now):
        fresh = _fresh(session, request_id)
        assert fresh is not None
        return AcceptResult.WON, fresh
    fresh = _fresh(session, request_id)
    assert fresh is not None
    if fresh.status in (Status.MATCHED, Status.REVEALED, Status.CLOSED) and fresh.supporter_id is not None:
        return AcceptResult.TAKEN, fresh
    return AcceptResult.CLOSED, fresh


def _own(session: Session, request_id: int, requester: Member) -> SupportRequest:
    request = session.get(SupportRequest, request_id)
    if request is None or request.requester_id != requester.id:
        raise UserError("support.errors.not_yours")
    return request


def reveal(session: Session, request_id: int, requester: Member, channel: str, now: datetime) -> SupportRequest:
    """The requester agreed to meet the supporter in a group DM."""
    _own(session, request_id, requester)
    if not _move(session, request_id, (Status.MATCHED,), status=Status.REVEALED, channel=channel):
        raise UserError("support.errors.no_longer_open")
    fresh = _fresh(session, request_id)
    assert fresh is not None
    return fresh


def cancel(session: Session, request_id: int, requester: Member, now: datetime) -> SupportRequest:
    _own(session, request_id, requester)
    if not _move(session, request_id, (Status.OPEN, Status.MATCHED), status=Status.CANCELLED, closed_at=now):
        raise UserError("support.errors.no_longer_open")
    fresh = _fresh(session, request_id)
    assert fresh is not None
    return fresh


def close(session: Session, request_id: int, requester: Member, helped: bool, now: datetime) -> SupportRequest:
    _own(session, request_id, requester)
    closable = (Status.REVEALED, Status.MATCHED, Status.FALLBACK, Status.OPEN)
    if not _move(session, request_id, closable, status=Status.CLOSED, helped=helped, closed_at=now):
        raise UserError("support.errors.already_closed")
    fresh = _fresh(session, request_id)
    assert fresh is not None
    return fresh


def overdue_requests(session: Session, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(SupportRequest.id).where(SupportRequest.status == Status.OPEN, SupportRequest.expires_at <= now)
        )
    )


def fall_back(session: Session, request_id: int, now: datetime) -> SupportRequest | None:
    """Hand an unanswered request to the support channel; None if someone else already did,
    or a peer accepted at the last moment."""
    if not _move(session, request_id, (Status.OPEN,), status=Status.FALLBACK):
        return None
    return _fresh(session, request_id)


def lead_for(session: Session, member: Member) -> Member | None:
    """The lead of the member's team (for "talk to my lead"), if the roster names one."""
    if member.team_id is None:
        return None
    team = session.get(Team, member.team_id)
    if team is None or team.lead_id is None or team.lead_id == member.id:
        return None
    lead = session.get(Member, team.lead_id)
    return lead if lead is not None and lead.active else None


def supporter_awaiting_reveal(session: Session, request_id: int, requester: Member) -> Member:
    """The peer who accepted, checked before a group DM is opened for the two of them."""
    request = _own(session, request_id, requester)
    supporter = session.get(Member, request.supporter_id) if request.supporter_id else None
    if request.status != Status.MATCHED or supporter is None:
        raise UserError("support.errors.no_longer_open")
    return supporter
