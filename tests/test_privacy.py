"""Forgetting a person: no row anywhere still names them; anonymous team averages stay."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.app.cli import app
from bot.app.playground import Playground
from bot.certification.certificates import record_assessment
from bot.certification.exams import open_window
from bot.core.db.models import Base, Member, OutboxMessage
from bot.people import privacy
from bot.people.preferences import Preferences, save_preferences
from bot.wellbeing import checkins, support
from bot.wellbeing.checkins import Answer
from bot.wellbeing.models import CheckIn
from bot.wellbeing.team_trends import Scope, weekly_trend
from tests.learning_helpers import SHANGHAI_0930
from tests.shipped import CONTENT


def member_columns() -> dict[str, list[str]]:
    """table -> columns holding a member id (foreign keys to members.id, and members.id itself)."""
    found: dict[str, list[str]] = {"members": ["id"]}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "members" for fk in column.foreign_keys):
                found.setdefault(table.name, []).append(column.name)
    return found


def traces(session: Session, slack_id: str, member_id: int) -> list[str]:
    """Every row, in every table, that still holds the slack id or the member id."""
    left = []
    holders = member_columns()
    for table in inspect(session.get_bind()).get_table_names():
        for row in session.execute(text(f'SELECT * FROM "{table}"')).mappings():  # noqa: S608 - names from the schema
            if slack_id in json.dumps(dict(row), default=str, ensure_ascii=False):
                left.append(f"{table}: {dict(row)}")
            if any(row.get(column) == member_id for column in holders.get(table, [])):
                left.append(f"{table} (member id): {dict(row)}")
    return left


def give_agent_a_history(playground: Playground, user: str) -> int:
    """Lessons, quizzes, a pause, check-ins, prompts, a support request and offers, audit, outbox."""
    playground.runtime.tick(SHANGHAI_0930)  # lesson, questions (review cards come with answers)
    now = playground.runtime.deps.now()
    with playground.runtime.sessions.begin() as session:
        agent = session.scalar(select(Member).where(Member.slack_id == user))
        peer = session.scalar(select(Member).where(Member.slack_id == "UAGENT2"))
        assert agent is not None and peer is not None
        today = checkins.today_for(session, agent, now)
        save_preferences(session, "T0DEMO", user, Preferences("en", "09:30", today + timedelta(days=3)), today, now)
        checkins.save_preferences(session, agent, now, peer_supporter=True)
        checkins.save_preferences(session, peer, now, peer_supporter=True)
        checkins.create_prompt(session, agent, today, now)
        checkins.record_checkin(session, agent, Answer(4, 2, ("workload",), "my note"), today, now)
        created = support.create_request(session, agent, "about me", now)
        support.accept(session, created.request.id, peer, now)
        theirs = support.create_request(session, peer, "peer topic", now)
        support.accept(session, theirs.request.id, agent, now)
        # certification: an assessment with a certificate, an exam window, and one they recorded for someone else
        record_assessment(
            session,
            CONTENT.rules,
            holder=agent,
            assessor="ULEAD01",
            theory=Decimal(85),
            practical=Decimal(80),
            daily=Decimal(90),
            today=today,
            now=now,
        )
        open_window(session, agent, "ULEAD01", 7, now)
        record_assessment(
            session,
            CONTENT.rules,
            holder=peer,
            assessor=user,
            theory=Decimal(50),
            practical=Decimal(50),
            daily=Decimal(50),
            today=today,
            now=now,
        )
        return agent.id


def test_forget_leaves_no_row_with_the_persons_ids(playground: Playground, monkeypatch: pytest.MonkeyPatch) -> None:
    member_id = give_agent_a_history(playground, "UAGENT1")
    playground.driver.command("UAGENT1", "checkin")
    playground.deliver()
    with playground.runtime.sessions() as session:
        assert len(traces(session, "UAGENT1", member_id)) > 8  # the test has something to find
        before = weekly_trend(session, "T0DEMO", Scope("", None), SHANGHAI_0930.date())

    monkeypatch.setenv("DATABASE_URL", playground.settings.database_url)
    result = CliRunner().invoke(app, ["privacy", "forget", "UAGENT1", "--workspace", "T0DEMO", "--yes"])
    assert result.exit_code == 0, result.output
    assert "members" in result.output and "checkins (anonymised)" in result.output

    with playground.runtime.sessions() as session:
        assert traces(session, "UAGENT1", member_id) == []
        kept = session.scalars(select(CheckIn)).all()
        assert [(c.stress, c.member_id, c.note) for c in kept] == [(4, None, None)]
        assert weekly_trend(session, "T0DEMO", Scope("", None), SHANGHAI_0930.date()) == before
        assert session.scalar(select(Member).where(Member.slack_id == "UAGENT2")) is not None


def test_forget_asks_for_confirmation_unless_yes(playground: Playground, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", playground.settings.database_url)
    result = CliRunner().invoke(app, ["privacy", "forget", "UAGENT3", "--workspace", "T0DEMO"], input="n\n")
    assert result.exit_code == 1
    with playground.runtime.sessions() as session:
        assert session.scalar(select(Member).where(Member.slack_id == "UAGENT3")) is not None


def test_forgetting_someone_unknown_says_so(playground: Playground) -> None:
    with playground.runtime.sessions.begin() as session, pytest.raises(Exception, match="unknown_person"):
        privacy.forget_member(session, "T0DEMO", "UNOBODY", playground.runtime.deps.now())


def test_every_eraser_reports_counts_by_kind(playground: Playground) -> None:
    give_agent_a_history(playground, "UAGENT4")
    with playground.runtime.sessions.begin() as session:
        removed = privacy.forget_member(session, "T0DEMO", "UAGENT4", playground.runtime.deps.now())
    assert removed["members"] == 1 and removed["checkins (anonymised)"] == 1
    assert removed["support_requests"] == 1 and removed["support_requests (supporter removed)"] == 1
    assert removed["lesson_deliveries"] == 1 and removed["quiz_items"] >= 1 and removed["pauses"] == 1


def test_forget_blanks_the_person_out_of_messages_sent_to_others(
    playground: Playground, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_polls import start_scoring_poll

    start_scoring_poll(playground, ["UAGENT2", "UAGENT3"])  # about 王芳 (UAGENT1): judges and the lead hear of it
    playground.deliver()
    with playground.runtime.sessions() as session:
        payloads = [json.dumps(m.payload, ensure_ascii=False) for m in session.scalars(select(OutboxMessage))]
    assert any("王芳" in p for p in payloads), "the scenario names the person in messages to others"
    monkeypatch.setenv("DATABASE_URL", playground.settings.database_url)
    result = CliRunner().invoke(app, ["privacy", "forget", "UAGENT1", "--workspace", "T0DEMO", "--yes"])
    assert result.exit_code == 0, result.output
    with playground.runtime.sessions() as session:
        left = [json.dumps(m.payload, ensure_ascii=False) for m in session.scalars(select(OutboxMessage))]
    assert left and not [p for p in left if "王芳" in p or "UAGENT1" in p]
