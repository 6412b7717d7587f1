"""Which teams a person may look at: a lead their own, HR and admins any team.

One rule for every team view (the certificate register, learning progress): a lead who
names another team is refused, HR without a name picks from a list when there are several.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db.models import Member, Role, Team
from bot.core.errors import UserError
from bot.core.slack_text import fold_width

PICKER_PAGE = 100  # Slack's limit of options in one static_select


@dataclass(frozen=True)
class TeamScope:
    """The teams to show; when ``teams`` is empty the viewer must pick one of ``choices``."""

    teams: list[Team]
    choices: list[Team] = field(default_factory=list)

    @property
    def single_id(self) -> int | None:
        """The team's id when exactly one is shown: what a page button carries along."""
        return self.teams[0].id if len(self.teams) == 1 else None


def sees_every_team(viewer: Member) -> bool:
    return viewer.role in (Role.HR, Role.ADMIN)


def lead_teams(session: Session, lead: Member) -> list[Team]:
    teams = list(session.scalars(select(Team).where(Team.workspace_id == lead.workspace_id, Team.lead_id == lead.id)))
    if not teams and lead.team_id is not None:
        team = session.get(Team, lead.team_id)
        teams = [team] if team else []
    if not teams:
        raise UserError("progress.no_team")
    return teams


def led_team_ids(session: Session, lead: Member) -> set[int]:
    """The ids of the teams ``lead`` leads (none for someone who leads no team)."""
    try:
        return {team.id for team in lead_teams(session, lead)} if lead.role == Role.LEAD else set()
    except UserError:
        return set()


def acts_for(session: Session, actor: Member, member: Member) -> bool:
    """Who may score, assess, open an exam for or grade ``member``: HR and admins anyone,
    a lead the people of the teams they lead; nobody themselves."""
    if actor.id == member.id:
        return False
    if sees_every_team(actor):
        return True
    return member.team_id is not None and member.team_id in led_team_ids(session, actor)


def comparable(name: str) -> str:
    """A team name as typed or stored, for matching: width folded, spaces collapsed, any case."""
    return " ".join(fold_width(name).split()).casefold()


def teams_in_view(session: Session, viewer: Member, name: str | None) -> TeamScope:
    """The teams ``viewer`` asked to see (``name``), or every team they may see."""
    wanted = comparable(name) if name else ""
    if not sees_every_team(viewer):
        teams = lead_teams(session, viewer)
        if wanted:
            teams = [team for team in teams if comparable(team.name) == wanted]
            if not teams:
                raise UserError("teams.not_yours", team=name)
        return TeamScope(teams)
    every = list(session.scalars(select(Team).where(Team.workspace_id == viewer.workspace_id).order_by(Team.name)))
    if wanted:
        named = [team for team in every if comparable(team.name) == wanted]
        if not named:
            raise UserError("teams.unknown", team=name)
        return TeamScope(named[:1])
    if not every:
        raise UserError("teams.none")
    return TeamScope(every) if len(every) == 1 else TeamScope([], every)


def team_in_view(session: Session, viewer: Member, team_id: int) -> TeamScope:
    """One team by id (a picker's choice or a page button): checked like a typed name."""
    team = session.get(Team, team_id)
    if team is None or team.workspace_id != viewer.workspace_id:
        raise UserError("teams.gone")
    if not sees_every_team(viewer) and team.id not in {t.id for t in lead_teams(session, viewer)}:
        raise UserError("teams.not_yours", team=team.name)
    return TeamScope([team])


def resolve_teams(
    session: Session, viewer: Member, *, name: str | None = None, team_id: int | None = None
) -> TeamScope:
    """A team view's scope from what the viewer gave: a picked id, a typed name, or nothing."""
    return team_in_view(session, viewer, team_id) if team_id is not None else teams_in_view(session, viewer, name)


def picker_page(choices: list[Team], page: int) -> tuple[list[Team], int, int]:
    """One page of teams for the picker, the page shown and the number of pages."""
    pages = max(1, -(-len(choices) // PICKER_PAGE))
    page = min(max(page, 1), pages)
    return choices[(page - 1) * PICKER_PAGE : page * PICKER_PAGE], page, pages
