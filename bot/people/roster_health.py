"""What in a workspace's roster keeps people from being looked after: leads who lead no team,
teams of agents nobody leads, people whose timezone nobody knows (`coachbot doctor`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.core.db.models import Member, Role, Team


@dataclass(frozen=True)
class RosterHealth:
    members: int
    teams: int
    leads_without_team: list[str]  # "name (U…)", in roster order
    teams_without_lead: list[str]  # team names
    without_timezone: list[str]  # neither the roster's nor the Slack profile's timezone is known


def roster_health(session: Session, workspace_id: str) -> RosterHealth:
    members = list(
        session.scalars(
            select(Member).where(Member.workspace_id == workspace_id, Member.active.is_(True)).order_by(Member.id)
        )
    )
    teams = list(
        session.scalars(
            select(Team)
            .where(Team.workspace_id == workspace_id)
            .options(selectinload(Team.members), selectinload(Team.lead))
            .order_by(Team.id)
        )
    )
    leading = {team.lead_id for team in teams if team.lead is not None and team.lead.active}
    return RosterHealth(
        members=len(members),
        teams=sum(1 for team in teams if any(m.active for m in team.members)),
        leads_without_team=[_who(m) for m in members if m.role == Role.LEAD and m.id not in leading],
        teams_without_lead=[
            team.name
            for team in teams
            if team.lead_id not in leading and any(m.active and m.role == Role.AGENT for m in team.members)
        ],
        without_timezone=[_who(m) for m in members if not m.timezone and not m.slack_tz],
    )


def _who(member: Member) -> str:
    return f"{member.name} ({member.slack_id})"
