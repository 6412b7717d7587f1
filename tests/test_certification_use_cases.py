"""Certification use cases on a real database session: who is told what, exactly once, at scale."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.certification import use_cases
from bot.certification.models import Certificate
from bot.certification.reminders import DueReminder, due_reminders
from bot.core.db.models import Member, OutboxMessage, Role, Team, Workspace
from bot.core.errors import UserError
from bot.core.notify import Notifier
from bot.core.render import Renderer
from tests import factories
from tests.conftest import NOW
from tests.shipped import CONTENT

PASS = {"theory": Decimal("92"), "practical": Decimal("88.5"), "daily": Decimal("90")}
LONG_NAME = "司马" + "长孙" * 15 + "&<>"


def notifier(renderer: Renderer, days: int = 0) -> Notifier:
    return Notifier(renderer, CONTENT, NOW + timedelta(days=days))


def channels(session: Session) -> list[str]:
    return [str(row.payload["channel"]) for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def teams_of(session: Session, count: int, size: int) -> list[tuple[Member, list[Member]]]:
    """``count`` teams, each with a lead and ``size`` agents with long Chinese names."""
    factories.workspace(session, NOW)
    built = []
    for t in range(count):
        team = Team(workspace_id="T0TEST", name=f"客服{t}组")
        session.add(team)
        session.flush()
        lead = factories.member(session, NOW, f"UL{t:02}", role=Role.LEAD, team=team)
        team.lead_id = lead.id
        agents = [
            factories.member(session, NOW, f"U{t:02}{n:03}", name=f"{LONG_NAME}{n}", team=team) for n in range(size)
        ]
        built.append((lead, agents))
    return built


def test_an_assessment_tells_holder_and_assessor_once_each_and_a_stranger_is_refused(
    session: Session, renderer: Renderer
) -> None:
    (lead, agents), (other_lead, _) = teams_of(session, 2, 3)
    result = use_cases.assess(session, notifier(renderer), lead, agents[0].id, PASS)
    assert result.certificate is not None
    assert channels(session) == [agents[0].slack_id, lead.slack_id]
    with pytest.raises(UserError) as refused:
        use_cases.assess(session, notifier(renderer), other_lead, agents[1].id, PASS)
    assert refused.value.key == "cert.errors.not_your_team" and refused.value.block is None
    assert len(channels(session)) == 2


def test_booking_tells_the_holder_and_the_lead_but_not_the_booker(session: Session, renderer: Renderer) -> None:
    [(lead, agents)] = teams_of(session, 1, 2)
    cert = use_cases.assess(session, notifier(renderer), lead, agents[0].id, PASS).certificate
    assert cert is not None
    before = len(channels(session))
    use_cases.book(session, notifier(renderer), cert.id, agents[0])
    assert channels(session)[before:] == [lead.slack_id]


def test_reminders_for_30_teams_reach_agent_and_lead_once_and_hr_in_one_post_however_often_the_job_runs(
    session: Session, renderer: Renderer
) -> None:
    built = teams_of(session, 30, 10)
    hr = factories.member(session, NOW, "UHR", role=Role.HR)
    for _lead, agents in built:
        for agent in agents:
            use_cases.assess(session, notifier(renderer), hr, agent.id, PASS)
    issued = len(channels(session))
    for cert in session.scalars(select(Certificate)):
        cert.valid_until = NOW.date() + timedelta(days=25)  # inside the 30-day stage
    session.flush()
    workspace = session.get(Workspace, "T0TEST")
    assert workspace is not None
    for _run in range(2):
        for due in due_reminders(session, CONTENT.rules, "T0TEST", NOW.date()):
            cert = session.get(Certificate, due.certificate_id)
            assert cert is not None
            reminder = DueReminder(cert, due.stage, due.days_left)
            use_cases.remind(session, notifier(renderer), reminder)
        use_cases.tell_hr(session, notifier(renderer), workspace, NOW.date(), "CHR")
    told = channels(session)[issued:]
    assert len(told) == 300 * 2 + 1  # agent and lead per certificate; HR one post for the stage
    assert told.count("CHR") == 1 and all(told.count(lead.slack_id) == 10 for lead, _ in built)
    assert len(set(told)) == 300 + 30 + 1
