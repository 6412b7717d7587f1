"""Arrange helpers: rows as a test needs them, with sensible defaults."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.certification.models import Certificate, CertificateStatus
from bot.core.config import load_settings
from bot.core.db.models import Member, Role, Team
from bot.people.workspaces import ensure_workspace


def workspace(session: Session, now: datetime, workspace_id: str = "T0TEST") -> str:
    ensure_workspace(session, workspace_id, load_settings(), now)
    return workspace_id


def member(
    session: Session,
    now: datetime,
    slack_id: str,
    *,
    name: str | None = None,
    role: Role = Role.AGENT,
    team: Team | None = None,
    workspace_id: str = "T0TEST",
    locale: str | None = None,
) -> Member:
    workspace(session, now, workspace_id)
    row = Member(
        workspace_id=workspace_id,
        slack_id=slack_id,
        name=name or slack_id,
        role=role,
        team=team,
        locale=locale,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def certified_agent(
    session: Session,
    team: Team,
    slack_id: str,
    name: str,
    *,
    valid_until: date | None,
    number: str,
    now: datetime,
    workspace_id: str = "T0DEMO",
) -> Member:
    """An active agent of ``team``, with a junior certificate valid until ``valid_until``
    (none when it is None), issued a year before."""
    agent = Member(
        workspace_id=workspace_id,
        slack_id=slack_id,
        name=name,
        team=team,
        role=Role.AGENT,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(agent)
    session.flush()
    if valid_until is not None:
        session.add(
            Certificate(
                workspace_id=workspace_id,
                number=number,
                member_id=agent.id,
                holder_name=name,
                level="junior",
                issue_date=valid_until - timedelta(days=365),
                valid_until=valid_until,
                status=CertificateStatus.ACTIVE,
                created_at=now,
            )
        )
    return agent
