"""What leads and HR may see of check-ins: weekly averages, only for groups large enough
that nobody can be picked out, and never names, notes, or who did not answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Member, Role, Team
from bot.core.errors import UserError
from bot.people.members import require_role
from bot.people.teams import lead_teams
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


def weekly_trend(
    session: Session,
    workspace_id: str,
    scope: Scope,
    today: date,
    weeks: int = WEEKS,
    *,
    viewer_id: int | None = None,
    universe: tuple[int, ...] | None = None,
) -> list[WeekTrend]:
    """Average stress per closed week (Monday first, oldest first, ending last week), shown
    only where no single answer can be worked out from it (see :func:`shown_groups`).

    - The viewer's own answers never count in what they see (a lead who answers would
      otherwise see the mean of the others).
    - Only finished weeks: a figure never moves once shown, so nobody learns the sixth
      answer from the change between five and six.
    - ``universe`` is every team the viewer may look at one by one (None: every team in the
      workspace); a team is shown only if the rest of what the viewer can see still hides
      each person, so no figure can be subtracted from another to reveal a small group.
    """
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks)
    query = select(CheckIn.local_date, CheckIn.member_id, CheckIn.respondent, CheckIn.team_id, CheckIn.stress).where(
        CheckIn.workspace_id == workspace_id, CheckIn.local_date >= first, CheckIn.local_date < this_monday
    )
    if universe is not None:
        query = query.where(CheckIn.team_id.in_(universe))
    if viewer_id is not None:
        query = query.where(or_(CheckIn.member_id.is_(None), CheckIn.member_id != viewer_id))
    tallies: dict[date, _Week] = {}
    for day, member_id, respondent, team_id, stress in session.execute(query):
        week = tallies.setdefault(day - timedelta(days=day.weekday()), _Week())
        week.add(f"m{member_id}" if member_id is not None else f"r{respondent}", team_id, stress)
    trend: list[WeekTrend] = []
    previous: float | None = None
    for offset in range(weeks):
        start = first + timedelta(weeks=offset)
        week = tallies.get(start, _Week())
        average = week.average(scope.team_ids)
        if average is None:
            trend.append(WeekTrend(start, None, None))
            continue
        trend.append(WeekTrend(start, average, None if previous is None else average - previous))
        previous = average
    return trend


class _Week:
    """One week's answers: who answered in which team, and the stress values."""

    def __init__(self) -> None:
        self.people: dict[int | None, set[str]] = {}
        self.stress: dict[int | None, list[int]] = {}

    def add(self, person: str, team_id: int | None, stress: int) -> None:
        self.people.setdefault(team_id, set()).add(person)
        self.stress.setdefault(team_id, []).append(stress)

    def average(self, team_ids: tuple[int, ...] | None) -> float | None:
        everyone = {person for group in self.people.values() for person in group}
        if team_ids is None:  # the whole universe
            values = [v for group in self.stress.values() for v in group]
            return sum(values) / len(values) if len(everyone) >= MIN_RESPONDENTS else None
        visible = shown_groups(
            {team: len(people) for team, people in self.people.items() if team is not None}, len(everyone)
        )
        if len(team_ids) == 1 and team_ids[0] not in visible:
            return None
        people = {person for team in team_ids for person in self.people.get(team, ())}
        values = [v for team in team_ids for v in self.stress.get(team, ())]
        if len(people) < MIN_RESPONDENTS or (
            len(team_ids) > 1 and not _whole_or_hidden_rest(len(people), len(everyone))
        ):
            return None
        return sum(values) / len(values)


def _whole_or_hidden_rest(part: int, whole: int) -> bool:
    return whole - part == 0 or whole - part >= MIN_RESPONDENTS


def shown_groups(counts: dict[int, int], total: int) -> set[int]:
    """Teams whose figure may be shown next to the total (respondents per team, and in all).

    Complementary suppression: a team needs :data:`MIN_RESPONDENTS`, and what the shown
    teams leave of the total (the hidden teams and people without a team together) must be
    nothing or at least that many too, else the total minus the shown teams gives it away;
    the smallest shown team is hidden until that holds.
    """
    shown = {team for team, count in counts.items() if count >= MIN_RESPONDENTS}
    while shown and not _whole_or_hidden_rest(sum(counts[team] for team in shown), total):
        shown.remove(min(shown, key=lambda team: (counts[team], team)))
    return shown


def view_trend(
    session: Session, viewer: Member, team_name: str | None, today: date, now: datetime
) -> tuple[Scope, list[WeekTrend]]:
    """The trend a lead or HR asked for; every look is written to the audit log."""
    scope = scope_for(session, viewer, team_name)
    universe = tuple(t.id for t in lead_teams(session, viewer)) if viewer.role == Role.LEAD else None
    trend = weekly_trend(session, viewer.workspace_id, scope, today, viewer_id=viewer.id, universe=universe)
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
