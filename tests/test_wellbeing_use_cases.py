"""Wellbeing use cases on a real database session: who is told what, exactly once, at scale."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db.models import Member, OutboxMessage, Team
from bot.core.errors import UserError
from bot.core.notify import Notifier
from bot.core.render import Renderer
from bot.wellbeing import support, use_cases
from bot.wellbeing.checkins import Answer, save_preferences
from tests import factories
from tests.conftest import NOW
from tests.shipped import CONTENT

LONG_NAME = "欧阳" + "慕容" * 20 + "<&>"


def notifier(renderer: Renderer, minutes: int = 0) -> Notifier:
    return Notifier(renderer, CONTENT, NOW + timedelta(minutes=minutes))


def queued(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def text_of(row: OutboxMessage) -> str:
    """What the person reads, with Slack's mrkdwn escapes undone."""
    text = json.dumps(row.payload, ensure_ascii=False)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def channels(session: Session) -> list[str]:
    return [str(row.payload.get("channel")) for row in queued(session)]


def team_of(session: Session, size: int, supporters: int) -> tuple[Member, list[Member], Member]:
    """A 300-person team with a lead; the first ``supporters`` agents volunteered as peers."""
    team = Team(workspace_id=factories.workspace(session, NOW), name="一线客服中心华东区第三服务组")
    session.add(team)
    session.flush()
    lead = factories.member(session, NOW, "ULEAD", team=team, locale="en")
    team.lead_id = lead.id
    agents = [factories.member(session, NOW, f"UA{n:03}", name=f"{LONG_NAME}{n}", team=team) for n in range(size)]
    for agent in agents[:supporters]:
        save_preferences(session, agent, NOW, peer_supporter=True)
    return agents[-1], agents[:supporters], lead


def test_a_request_is_offered_once_to_each_opted_in_peer_and_never_names_the_requester(
    session: Session, renderer: Renderer
) -> None:
    requester, peers, lead = team_of(session, 300, 40)
    created = use_cases.ask_for_support(session, notifier(renderer), requester, "客户投诉 & <退款> 太多")
    assert channels(session) == [peer.slack_id for peer in peers]
    for row in queued(session):
        text = json.dumps(row.payload, ensure_ascii=False)
        assert LONG_NAME not in text and "&amp;" in text  # anonymous; the topic escaped for mrkdwn
    with pytest.raises(UserError) as refused:  # asking twice is refused: nobody is offered it again
        use_cases.ask_for_support(session, notifier(renderer), requester, "again")
    assert refused.value.key == "support.errors.already_open"
    assert len(queued(session)) == 40 and created.supporters == peers and lead.slack_id not in channels(session)


def test_only_the_first_acceptance_wins_and_the_requester_hears_the_winner_once(
    session: Session, renderer: Renderer
) -> None:
    requester, peers, _lead = team_of(session, 12, 11)
    request_id = use_cases.ask_for_support(session, notifier(renderer), requester, "").request.id
    before = len(queued(session))
    results = [use_cases.accept_support(session, notifier(renderer), request_id, peer) for peer in peers]
    assert results.count(support.AcceptResult.WON) == 1 and results[0] is support.AcceptResult.WON
    told = queued(session)[before:]
    assert [row.payload["channel"] for row in told] == [requester.slack_id]
    assert peers[0].name in text_of(told[0])


def test_cancelling_tells_the_supporter_who_accepted_and_nobody_else(session: Session, renderer: Renderer) -> None:
    requester, peers, _lead = team_of(session, 30, 5)
    request_id = use_cases.ask_for_support(session, notifier(renderer), requester, "").request.id
    use_cases.accept_support(session, notifier(renderer), request_id, peers[2])
    before = len(queued(session))
    use_cases.cancel_support(session, notifier(renderer), request_id, requester)
    assert channels(session)[before:] == [peers[2].slack_id]
    with pytest.raises(UserError):
        use_cases.cancel_open_support(session, notifier(renderer), requester)


def test_an_unanswered_request_falls_back_once_however_often_the_job_runs(session: Session, renderer: Renderer) -> None:
    requester, _peers, _lead = team_of(session, 6, 0)  # nobody volunteered: due at once
    request_id = use_cases.ask_for_support(session, notifier(renderer), requester, "").request.id
    assert [use_cases.fall_back(session, notifier(renderer, 1), request_id) for _ in range(3)] == [True, False, False]
    assert channels(session).count(requester.slack_id) == 1


def test_the_lead_is_asked_to_talk_once_a_day_and_an_agent_without_a_lead_is_told_so(
    session: Session, renderer: Renderer
) -> None:
    agent, _peers, lead = team_of(session, 3, 0)
    for _ in range(3):
        assert use_cases.ask_lead_to_talk(session, notifier(renderer), agent).id == lead.id
    assert channels(session) == [lead.slack_id]
    assert agent.name in text_of(queued(session)[0])
    loner = factories.member(session, NOW, "ULONER")
    with pytest.raises(UserError) as refused:
        use_cases.ask_lead_to_talk(session, notifier(renderer), loner)
    assert refused.value.key == "checkin.no_lead"


def test_a_checkin_prompt_goes_once_per_day_and_its_quick_answer_counts_once(
    session: Session, renderer: Renderer
) -> None:
    agent = factories.member(session, NOW, "UAGENT")
    day = date(2026, 3, 2)
    sent = [use_cases.send_checkin_prompt(session, notifier(renderer), agent.id, day) for _ in range(2)]
    assert sent == [True, False]
    prompt = str(queued(session)[0].dedupe_key.rpartition(":")[2])
    saved = use_cases.quick_checkin(session, notifier(renderer), agent, prompt, "2")
    assert saved.checkin.stress == 2 and saved.message.as_payload()["blocks"]
    with pytest.raises(UserError) as repeated:
        use_cases.quick_checkin(session, notifier(renderer), agent, prompt, "4")
    assert repeated.value.key == "checkin.prompt.already"


def test_a_checkin_from_the_modal_is_answered_in_the_persons_own_dm_only(session: Session, renderer: Renderer) -> None:
    agent, _peers, _lead = team_of(session, 5, 5)
    use_cases.submit_checkin(session, notifier(renderer), agent, Answer(stress=5, energy=1), None)
    assert channels(session) == [agent.slack_id]
