"""The PostgreSQL tier: migrations, the outbox's row claiming and dedupe on a real server."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from slack_sdk import WebClient
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db.engine import make_engine
from bot.core.db.migrate import downgrade, upgrade
from bot.core.db.models import Base, Member, OutboxMessage
from bot.core.outbox import OutboxSender, claim, enqueue
from bot.people.roster import import_roster
from bot.sim.server import SlackSimulator
from tests import factories
from tests.conftest import NOW
from tests.postgres import fresh_database

pytestmark = pytest.mark.postgres


def queue(sessions: sessionmaker[Session], count: int) -> None:
    with sessions.begin() as session:
        factories.workspace(session, NOW)
        for number in range(count):
            enqueue(
                session,
                workspace_id="T0TEST",
                dedupe_key=f"m{number}",
                method="chat.postMessage",
                payload={"channel": "U1", "text": f"n{number}"},
                now=NOW,
            )


def test_migrations_match_the_models_and_downgrade(pg_engine: Engine) -> None:
    with pg_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    downgrade(pg_engine, "base")
    assert set(inspect(pg_engine).get_table_names()) <= {"alembic_version"}
    upgrade(pg_engine)


def test_dedupe_keys_hold_on_postgres(pg_sessions: sessionmaker[Session]) -> None:
    queue(pg_sessions, 3)
    queue(pg_sessions, 3)
    with pg_sessions() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 3


def test_a_claim_in_progress_is_skipped_not_waited_for(pg_sessions: sessionmaker[Session]) -> None:
    queue(pg_sessions, 6)
    holding = pg_sessions()
    try:
        first = claim(holding, worker="a", now=NOW, limit=4)  # locked until `holding` commits
        with pg_sessions.begin() as other:
            second = claim(other, worker="b", now=NOW, limit=10)
        assert len(first) == 4 and len(second) == 2
        assert not {m.id for m in first} & {m.id for m in second}
    finally:
        holding.rollback()
        holding.close()


def test_several_senders_deliver_each_message_exactly_once(pg_sessions: sessionmaker[Session]) -> None:
    queue(pg_sessions, 60)
    with SlackSimulator(team_id="T0TEST", bot_token="xoxb-pg") as sim:
        sim.add_user("U1", "Ann")
        senders = [
            OutboxSender(pg_sessions, lambda _w: WebClient(token="xoxb-pg", base_url=sim.api_url), batch_size=5)
            for _ in range(4)
        ]
        threads = [threading.Thread(target=sender.drain, args=(NOW,)) for sender in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(m.text for m in sim.messages) == sorted(f"n{number}" for number in range(60))


def test_roster_import_works_on_postgres(pg_sessions: sessionmaker[Session]) -> None:
    with pg_sessions.begin() as session:
        factories.workspace(session, NOW)
        report = import_roster(
            session, "T0TEST", "slack_id,name,team,role\nU0A1,李娜,一组,lead\nU0A2,王芳,一组,agent\n", NOW
        )
        assert report.ok
    with pg_sessions() as session:
        assert {m.name for m in session.scalars(select(Member))} == {"李娜", "王芳"}


def test_two_concurrent_ticks_deliver_one_lesson_each_on_postgres(server_url: str, tmp_path: object) -> None:
    from bot.app.playground import Playground
    from bot.core.config import load_settings
    from tests.learning_helpers import SHANGHAI_0930, lesson_cards

    with fresh_database(server_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        with Playground(load_settings(DATABASE_URL=url)) as playground:
            ticks = [threading.Thread(target=playground.runtime.tick, args=(SHANGHAI_0930,)) for _ in range(3)]
            for tick in ticks:
                tick.start()
            for tick in ticks:
                tick.join()
            for user in ("UAGENT1", "UAGENT2", "UAGENT3", "UAGENT4", "UAGENT5"):
                assert len(lesson_cards(playground, user)) == 1, user


def test_concurrent_ticks_send_each_certificate_reminder_once_on_postgres(server_url: str) -> None:
    from datetime import UTC, datetime

    from bot.app.playground import Playground
    from bot.certification.register import import_register
    from bot.core.config import load_settings

    with fresh_database(server_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        with Playground(load_settings(DATABASE_URL=url, HR_CHANNEL="CHR0001")) as playground:
            register = "证书编号,姓名,部门,认证等级,有效期至,发证日期,复评结果\n"
            register += (
                "CS2025001,王芳,客服部,中级,2026-04-01,2025-04-01,\nCS2025002,张伟,客服部,高级,2026-03-20,2025-03-20,\n"
            )
            with playground.runtime.sessions.begin() as session:
                assert import_register(session, "T0DEMO", register, datetime(2026, 3, 1, tzinfo=UTC)).ok
            instant = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
            ticks = [threading.Thread(target=playground.runtime.tick, args=(instant,)) for _ in range(3)]
            for tick in ticks:
                tick.start()
            for tick in ticks:
                tick.join()
            for number in ("CS2025001", "CS2025002"):
                to_agent = [
                    m
                    for m in playground.sim.messages
                    if m.user and number in str(m.blocks) and m.user.startswith("UAGENT")
                ]
                to_hr = [
                    m
                    for m in playground.sim.messages
                    if m.channel == "CHR0001" and m.text.startswith("证书提醒") and number in str(m.blocks)
                ]  # HR: one post per stage (T-30 and T-14 here), each certificate in one
                assert len(to_agent) == 1 and len(to_hr) == 1, number


def test_the_bot_keeps_serving_across_a_database_restart(server_url: str) -> None:
    from bot.app.playground import Playground
    from bot.core.config import load_settings
    from tests.learning_helpers import SHANGHAI_0930, lesson_cards
    from tests.postgres import restart_server

    with fresh_database(server_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        with Playground(load_settings(DATABASE_URL=url)) as playground:
            assert "Coachbot 能帮你做什么" in playground.driver.command("UAGENT1", "help").text
            restart_server(url)
            # pooled connections died with the server; pre-ping replaces them and nothing is lost
            assert "Coachbot 能帮你做什么" in playground.driver.command("UAGENT1", "help").text
            playground.runtime.tick(SHANGHAI_0930)
            assert len(lesson_cards(playground, "UAGENT1")) == 1
