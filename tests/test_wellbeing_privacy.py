"""The 5-respondent rule against differencing: own answers, changes over time, and
subtracting one visible figure from another (complementary suppression)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.core.db.models import Member, Role, Team
from bot.wellbeing.checkins import Answer, record_checkin
from bot.wellbeing.team_trends import MIN_RESPONDENTS, Scope, shown_groups, view_trend
from tests import factories

NOW = datetime(2026, 3, 11, 2, 0, tzinfo=UTC)  # a Wednesday
TODAY = date(2026, 3, 11)
LAST_WEEK = date(2026, 3, 3)  # a Tuesday; its week starts on 2 March
THIS_WEEK = date(2026, 3, 9)


def team(session: Session, name: str, size: int, *, lead: Member | None = None) -> tuple[Team, list[Member]]:
    factories.workspace(session, NOW)
    row = Team(workspace_id="T0TEST", name=name, lead=lead)
    session.add(row)
    session.flush()
    people = [factories.member(session, NOW, f"U{name}{n:03d}", name=f"{name}的成员{n}", team=row) for n in range(size)]
    return row, people


def answer(session: Session, people: list[Member], stress: int, day: date = LAST_WEEK) -> None:
    for person in people:
        record_checkin(session, person, Answer(stress, 3, (), None), day, NOW)


def shown(session: Session, viewer: Member, team_name: str | None = None) -> float | None:
    _, trend = view_trend(session, viewer, team_name, TODAY, NOW)
    assert trend[-1].week_start == date(2026, 3, 2)  # the newest week shown is the last finished one
    return trend[-1].average_stress


def test_a_lead_who_answers_does_not_see_the_mean_of_the_four_others(session: Session) -> None:
    lead = factories.member(session, NOW, "ULEAD", role=Role.LEAD)
    _, agents = team(session, "一组", 4, lead=lead)
    lead.team_id = agents[0].team_id
    answer(session, agents, 5)
    answer(session, [lead], 1)
    assert shown(session, lead) is None  # 5 respondents, but one of them is the viewer


def test_a_figure_never_moves_by_one_answer_the_open_week_is_not_shown(session: Session) -> None:
    lead = factories.member(session, NOW, "ULEAD", role=Role.LEAD)
    _, agents = team(session, "一组", 6, lead=lead)
    answer(session, agents[:5], 3, THIS_WEEK)
    _, before = view_trend(session, lead, None, TODAY, NOW)
    answer(session, agents[5:], 5, THIS_WEEK)  # the sixth answer of the week
    _, after = view_trend(session, lead, None, TODAY, NOW)
    assert before == after and all(week.week_start < THIS_WEEK for week in after)
    next_week = view_trend(session, lead, None, TODAY + timedelta(days=7), NOW + timedelta(days=7))[1]
    assert next_week[-1].week_start == THIS_WEEK and next_week[-1].average_stress == (5 * 3 + 5) / 6


def test_hr_cannot_subtract_a_team_from_the_workspace_to_find_one_person(session: Session) -> None:
    hr = factories.member(session, NOW, "UHR", role=Role.HR)
    _, six = team(session, "六人组", 6)
    _, one = team(session, "一人组", 1)
    answer(session, six, 2)
    answer(session, one, 5)
    assert shown(session, hr) == (6 * 2 + 5) / 7  # the workspace: 7 people
    assert shown(session, hr, "六人组") is None  # else 7 × mean − 6 × mean = the one person's answer
    assert shown(session, hr, "一人组") is None


def test_thirty_teams_show_every_team_whose_complement_is_safe(session: Session) -> None:
    hr = factories.member(session, NOW, "UHR", role=Role.HR)
    teams = [team(session, f"第{n:02d}组", 10) for n in range(30)]
    for n, (_, people) in enumerate(teams):
        answer(session, people, 1 + n % 5)
    assert all(shown(session, hr, row.name) is not None for row, _ in teams)
    _, loner = team(session, "新组", 3)  # a small team: hidden, and its 3 people are the rest
    answer(session, loner, 5)
    visible = [row.name for row, _ in teams if shown(session, hr, row.name) is not None]
    assert shown(session, hr, "新组") is None
    assert len(visible) == 29  # one more team hidden so the rest is at least 5 people


def test_a_lead_of_two_teams_cannot_subtract_one_from_both(session: Session) -> None:
    lead = factories.member(session, NOW, "ULEAD", role=Role.LEAD)
    _, big_people = team(session, "大组", 8, lead=lead)
    _, small_people = team(session, "小组", 2, lead=lead)
    answer(session, big_people, 2)
    answer(session, small_people, 5)
    assert shown(session, lead) is not None  # both teams together: 10 people
    assert shown(session, lead, "大组") is None and shown(session, lead, "小组") is None


def test_suppression_rule() -> None:
    assert shown_groups({1: 6, 2: 1}, 7) == set()
    assert shown_groups({1: 6, 2: 5}, 11) == {1, 2}
    assert shown_groups({1: 6, 2: 5, 3: 2}, 13) == {1}  # rest 2+5 = 7
    assert shown_groups({1: 6}, 6) == {1}
    assert shown_groups({1: MIN_RESPONDENTS - 1}, 20) == set()
    assert shown_groups({}, 3) == set()
    assert Scope("", None).team_ids is None
