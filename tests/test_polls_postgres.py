"""Polls on a real PostgreSQL server: a deadline close happens once, however many instances tick."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.config import load_settings
from bot.core.db.models import OutboxMessage, Role
from bot.core.outbox import OutboxSender
from bot.core.render import Renderer
from bot.polls.arguments import PollSpec
from bot.polls.models import PollStatus, PracticalScore, QuickPoll
from bot.polls.quick_polls import create_quick_poll
from bot.polls.scoring import ScoringSetup, close_scoring_poll, create_scoring_poll, save_score
from bot.sim.server import SlackSimulator
from jobs.context import JobContext
from jobs.polls import close_due_polls
from tests import factories
from tests.shipped import CONTENT

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=1)
RUBRIC = CONTENT.library.rubric("practical_default")


def open_polls(sessions: sessionmaker[Session]) -> int:
    """A scored scoring poll and a quick poll, both due at DEADLINE; returns the scoring poll's id."""
    with sessions.begin() as session:
        lead = factories.member(session, NOW, "ULEAD", role=Role.LEAD)
        for slack_id in ("UAGENT", "UJUDGE1", "UJUDGE2"):
            factories.member(session, NOW, slack_id)
        setup = ScoringSetup("UAGENT", ("UJUDGE1", "UJUDGE2"), RUBRIC.id, 10, DEADLINE)
        poll = create_scoring_poll(session, "T0TEST", lead, setup, NOW)
        spec = PollSpec("Lunch?", ("A", "B"), deadline=DEADLINE)
        create_quick_poll(
            session, workspace_id="T0TEST", creator="ULEAD", channel="C1", spec=spec, locale="en", now=NOW
        )
    for judge, points in (("UJUDGE1", 8.0), ("UJUDGE2", 6.0)):
        with sessions.begin() as session:
            save_score(
                session, poll.id, "T0TEST", judge, dict.fromkeys([c.id for c in RUBRIC.criteria], points), None, NOW
            )
    return poll.id


def test_several_instances_ticking_at_the_deadline_close_each_poll_once(pg_sessions: sessionmaker[Session]) -> None:
    open_polls(pg_sessions)
    with SlackSimulator(team_id="T0TEST", bot_token="xoxb-pg") as sim:
        sim.add_user("ULEAD", "Lead")
        client = WebClient(token="xoxb-pg", base_url=sim.api_url)
        settings = load_settings()
        renderer = Renderer()
        barrier = threading.Barrier(4)
        closed: list[int] = []

        def instance() -> None:
            sender = OutboxSender(pg_sessions, lambda _w: client)
            context = JobContext(settings, pg_sessions, renderer, sender, DEADLINE, lambda _w: client, CONTENT)
            barrier.wait()
            closed.append(close_due_polls(context))

        threads = [threading.Thread(target=instance) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        charts = [f for f in sim.files if f["filename"].endswith(".png")]
    assert sum(closed) == 2  # two polls, each closed by exactly one of the four instances
    assert len(charts) == 1
    with pg_sessions() as session:
        assert session.scalar(select(func.count()).select_from(PracticalScore)) == 1
        assert session.scalar(select(PracticalScore.score)) == 70.0
        assert session.scalar(select(QuickPoll.status)) == PollStatus.CLOSED
        results = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dedupe_key.like("score-results:%"))
        )
        assert results == 1


def test_a_close_waiting_on_another_finds_the_poll_closed(pg_sessions: sessionmaker[Session]) -> None:
    poll_id = open_polls(pg_sessions)
    first_closed = threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        with pg_sessions.begin() as session:
            outcomes["first"] = close_scoring_poll(session, poll_id, CONTENT.library, DEADLINE)
            first_closed.set()
            time.sleep(0.5)  # keep the transaction open while the second closer tries

    def second() -> None:
        first_closed.wait()
        with pg_sessions.begin() as session:  # its UPDATE waits for the first to commit, then matches nothing
            outcomes["second"] = close_scoring_poll(session, poll_id, CONTENT.library, DEADLINE)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes["first"] is not None and outcomes["second"] is None
    with pg_sessions() as session:
        assert session.scalar(select(func.count()).select_from(PracticalScore)) == 1
