"""What leads and HR may see of check-ins: weekly averages, only for groups large enough
that nobody can be picked out, and never names, notes, or who did not answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Member, Role, Team
from bot.core.errors import UserError
from bot.learning.progress import lead_teams
from bot.people.members import require_role
from bot.wellbeing.models import CheckIn

MIN_RESPONDENTS = 5
WEEKS = 4


@dataclass(frozen=True)
class Scope:
    label: str  # team names, or "" for the whole workspace
    team_ids: tuple[int, ...] | None  # None: the whole workspace


@dataclass(frozen=True)
class WeekTrend:
    week_start: date
    average_stress: float | None  # None: too few respondents to show anything
    change: float | None  # against the previous shown week


def scope_for(session: Session, viewer: Member, team_name: str | None) -> Scope:
    """Leads see their own teams; HR and admins the workspace or any one team."""
    require_role(viewer, (Role.LEAD, Role.HR))
    if viewer.role == Role.LEAD:
        teams = lead_teams(session, viewer)
        if team_name:
            teams = [team for team in teams if team.name == team_name]
            if not teams:
                raise UserError("wellbeing.not_your_team", team=team_name)
        return Scope(", ".join(t.name for t in teams), tuple(t.id for t in teams))
    if not team_name:
        return Scope("", None)
    team = session.scalar(select(Team).where(Team.workspace_id == viewer.workspace_id, Team.name == team_name))
    if team is None:
        raise UserError("wellbeing.unknown_team", team=team_name)
    return Scope(team.name, (team.id,))


def weekly_trend(session: Session, workspace_id: str, scope: Scope, today: date, weeks: int = WEEKS) -> list[WeekTrend]:
    """Average stress per week (Monday first), oldest first; a week is shown only when at
    least :data:`MIN_RESPONDENTS` different people answered in it."""
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    query = select(CheckIn.local_date, CheckIn.member_id, CheckIn.respondent, CheckIn.stress).where(
        CheckIn.workspace_id == workspace_id, CheckIn.local_date >= first, CheckIn.local_date <= today
    )
    if scope.team_ids is not None:
        query = query.where(CheckIn.team_id.in_(scope.team_ids))
    people: dict[date, set[str]] = {}
    answers: dict[date, list[int]] = {}
    for day, member_id, respondent, stress in session.execute(query):
        week = day - timedelta(days=day.weekday())
        people.setdefault(week, set()).add(f"m{member_id}" if member_id is not None else f"r{respondent}")
        answers.setdefault(week, []).append(stress)
    trend: list[WeekTrend] = []
    previous: float | None = None
    for offset in range(weeks):
        week = first + timedelta(weeks=offset)
        if len(people.get(week, ())) < MIN_RESPONDENTS:
            trend.append(WeekTrend(week, None, None))
            continue
        average = sum(answers[week]) / len(answers[week])
        trend.append(WeekTrend(week, average, None if previous is None else average - previous))
        previous = average
    return trend


def view_trend(
    session: Session, viewer: Member, team_name: str | None, today: date, now: datetime
) -> tuple[Scope, list[WeekTrend]]:
    """The trend a lead or HR asked for; every look is written to the audit log."""
    scope = scope_for(session, viewer, team_name)
    trend = weekly_trend(session, viewer.workspace_id, scope, today)
    record(
        session,
        workspace_id=viewer.workspace_id,
        actor=viewer.slack_id,
        action="wellbeing.viewed",
        now=now,
        subject=f"team:{scope.label}" if scope.team_ids is not None else "workspace",
        detail={"weeks_shown": sum(w.average_stress is not None for w in trend), "weeks": len(trend)},
    )
    return scope, trend
