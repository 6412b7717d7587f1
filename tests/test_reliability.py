"""Faults and restarts: failed sends are reported once, a locked database waits instead of
failing, backups are consistent, and SIGKILL in the middle of work loses and doubles nothing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.app.cli import app
from bot.app.playground import Playground
from bot.app.runtime import Runtime
from bot.core.config import Settings, load_settings
from bot.core.db import engine as engine_module
from bot.core.db.models import Member, OutboxMessage, OutboxStatus
from bot.core.notify import Notifier
from bot.core.outbox import FLUSH_EVERY, enqueue
from bot.learning.models import QuizItem
from bot.people.roster import import_roster
from bot.people.workspaces import ensure_workspace
from bot.sim.driver import JSONDict, Reply
from bot.sim.process import SimProcess
from tests.learning_helpers import first_button, first_button_or_none

ROOT = Path(__file__).resolve().parents[1]
MONDAY = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def test_undeliverable_messages_are_reported_to_admins_once_a_day(playground: Playground) -> None:
    with playground.runtime.sessions.begin() as session:
        enqueue(
            session,
            workspace_id="T0DEMO",
            dedupe_key="ghost",
            method="chat.postMessage",
            payload={"channel": "UNOBODY", "text": "hi"},
            now=MONDAY,
        )
    playground.runtime.tick(MONDAY - timedelta(hours=1))  # 08:30 local: fails, no report yet
    playground.runtime.tick(MONDAY + timedelta(hours=1))
    playground.runtime.tick(MONDAY + timedelta(hours=3))
    reports = [m for m in playground.sim.messages_for("UADMIN1") if "could not be delivered" in m.text]
    assert len(reports) == 1 and "user_not_found ×1" in reports[0].text
    assert not [m for m in playground.sim.messages_for("UAGENT1") if "could not be delivered" in m.text]


def test_a_locked_database_makes_work_wait_not_fail(playground: Playground) -> None:
    database = playground.settings.database_url.removeprefix("sqlite:///")
    locker = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.5, lambda: locker.execute("COMMIT"))
    release.start()
    results = playground.runtime.tick(MONDAY)  # lessons for the Shanghai agents need the write lock
    release.join()
    locker.close()
    assert results["lessons"] >= 3


def test_backup_is_a_consistent_copy(playground: Playground, tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", playground.settings.database_url)
    try:
        target = tmp_path / "backup" / "coachbot-copy.db"
        result = CliRunner().invoke(app, ["db", "backup", str(target)])
        assert result.exit_code == 0, result.output
        copy = sqlite3.connect(target)
        assert copy.execute("SELECT count(*) FROM members").fetchone()[0] == 8
        assert CliRunner().invoke(app, ["db", "backup", str(target)]).exit_code == 1  # never overwrites
        mp.setenv("DATABASE_URL", "postgresql://coach@db/coachbot")
        pg = CliRunner().invoke(app, ["db", "backup", str(tmp_path / "x.db")])
        assert pg.exit_code == 1 and "pg_dump" in pg.output
    finally:
        mp.undo()


def test_sigkill_during_a_fan_out_loses_nothing_and_doubles_at_most_the_in_flight(tmp_path: Path) -> None:
    sim = SimProcess("T0KILL", "xoxb-kill", rate=60, per_channel=1)
    api_url = sim.api_url
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_", "DATABASE_URL"))}
        env |= {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'kill.db'}",
            "SLACK_BOT_TOKEN": "xoxb-kill",
            "SLACK_API_URL": api_url,
            "COACHBOT_OUTBOX_RATE": "60",
        }
        settings = load_settings(DATABASE_URL=env["DATABASE_URL"])
        runtime = Runtime(settings)
        roster = "slack_id,name,team,role\n" + "".join(f"UK{n:05d},Agent {n},T,agent\n" for n in range(120))
        with runtime.sessions.begin() as session:
            ensure_workspace(session, "T0KILL", settings, MONDAY)
            assert import_roster(session, "T0KILL", roster, MONDAY).ok
        tick = [sys.executable, "-m", "bot", "jobs", "tick", "--now"]
        first = subprocess.Popen(
            [*tick, MONDAY.isoformat()], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while sim.stats()["messages"] < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        before = sim.stats()["messages"]
        with runtime.sessions() as session:
            queued = int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
        assert 0 < before < queued, "the kill must land in the middle of the fan-out"
        after_lease = (MONDAY + timedelta(minutes=3)).isoformat()  # the dead sender's claims have expired
        subprocess.run([*tick, after_lease], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)
        stats = sim.stats()
        with runtime.sessions() as session:
            pending = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SENT)
            )
        assert pending == 0
        assert stats["distinct"] == queued, "nothing lost"
        assert stats["messages"] - stats["distinct"] <= settings.outbox_concurrency + FLUSH_EVERY, "only in-flight"
    finally:
        sim.stop()


def test_sigkill_during_an_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'import.db'}"
    big = tmp_path / "roster.csv"
    rows = 20_000
    big.write_text("slack_id,name,team,role\n" + "".join(f"UI{n:06d},Agent {n},T{n % 50},agent\n" for n in range(rows)))
    command = [sys.executable, "-m", "bot", "roster", "import", str(big), "--workspace", "T0IMPORT"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    runtime = Runtime(load_settings(DATABASE_URL=env["DATABASE_URL"]))
    with runtime.sessions() as session:
        count = session.scalar(select(func.count()).select_from(Member))
    assert count in (0, rows)
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == rows


def test_sigkill_during_poll_closes_closes_each_poll_once(tmp_path: Path) -> None:
    from bot.polls.arguments import PollSpec
    from bot.polls.models import PollStatus, QuickPoll
    from bot.polls.quick_polls import create_quick_poll, vote
    from bot.polls.use_cases import post_quick_poll

    sim = SimProcess("T0POLL", "xoxb-poll", rate=30, per_channel=1)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_", "DATABASE_URL"))}
        env |= {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'polls.db'}",
            "SLACK_BOT_TOKEN": "xoxb-poll",
            "SLACK_API_URL": sim.api_url,
            "COACHBOT_OUTBOX_RATE": "20",
        }
        settings = load_settings(DATABASE_URL=env["DATABASE_URL"])
        runtime = Runtime(settings)
        deadline = MONDAY + timedelta(hours=1)
        notifier = Notifier(runtime.renderer, runtime.content, MONDAY)
        with runtime.sessions.begin() as session:
            ensure_workspace(session, "T0POLL", settings, MONDAY)
            assert import_roster(session, "T0POLL", "slack_id,name,team,role\nUPLEAD,Lead,T,lead\n", MONDAY).ok
            for n in range(20):
                poll = create_quick_poll(
                    session,
                    workspace_id="T0POLL",
                    creator="UPLEAD",
                    channel=f"CP{n:03d}",
                    spec=PollSpec(f"Q{n}?", ("A", "B"), deadline=deadline),
                    locale="en",
                    now=MONDAY,
                )
                vote(session, "T0POLL", poll.id, "UPLEAD", 0, MONDAY)
                post_quick_poll(session, notifier, poll)  # queued, not yet sent: the tick sends it closed
        tick = [sys.executable, "-m", "bot", "jobs", "tick", "--now"]
        victim = subprocess.Popen(
            [*tick, (deadline + timedelta(minutes=1)).isoformat()],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        limit = time.monotonic() + 60
        while sim.stats()["messages"] < 5 and time.monotonic() < limit:
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        later = (deadline + timedelta(minutes=5)).isoformat()  # after the dead process's claims expire
        subprocess.run([*tick, later], env=env, cwd=ROOT, check=True, capture_output=True, timeout=180)
        with runtime.sessions() as session:
            statuses = set(session.scalars(select(QuickPoll.status)))
            queued = session.scalar(select(func.count()).select_from(OutboxMessage))
            unsent = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SENT)
            )
        stats = sim.stats()
        assert statuses == {PollStatus.CLOSED}
        assert queued == 21  # each poll once, showing its final tally, and the lead's summary
        assert unsent == 0 and stats["distinct"] == queued  # every close announced, none lost
        assert stats["messages"] - stats["distinct"] <= settings.outbox_concurrency + FLUSH_EVERY
    finally:
        sim.stop()


def _practice_questions(playground: Playground, users: list[str], each: int) -> list[tuple[str, JSONDict]]:
    asked = []
    for user in users:
        for _ in range(each):
            message = playground.driver.command(user, "quiz").messages[0]
            asked.append((user, message))
    return asked


def test_a_burst_of_simultaneous_answers_records_every_one(playground: Playground) -> None:
    asked = [
        (user, message)
        for user, message in _practice_questions(playground, ["UAGENT1", "UAGENT2", "UAGENT3", "UAGENT4"], 15)
        if first_button_or_none(message)
    ]

    def click(asked_one: tuple[str, JSONDict]) -> Reply:
        user, message = asked_one
        action, value = first_button(message)
        return playground.driver.click(user, message, action, value, wait=0)

    with ThreadPoolExecutor(max_workers=16) as pool:
        replies = list(pool.map(click, asked))
    assert [reply.status for reply in replies] == [200] * len(replies), [r.body for r in replies if r.status != 200]
    urls = [reply.response_url for reply in replies if reply.response_url]
    assert playground.sim.wait_for(lambda: all(playground.sim.replies(url) for url in urls), timeout=60)
    with playground.runtime.sessions() as session:
        answered = session.scalar(select(func.count()).select_from(QuizItem).where(QuizItem.answered_at.is_not(None)))
    assert answered == len(asked) >= 30
    assert not [
        r for url in urls for r in playground.sim.replies(url) if "错误编号" in json.dumps(r, ensure_ascii=False)
    ]


def test_a_click_the_database_cannot_take_is_answered_with_try_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 300)
    with Playground(settings) as playground:
        message = next(m for _, m in _practice_questions(playground, ["UAGENT5"], 10) if first_button_or_none(m))
        action, value = first_button(message)
        locker = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"), isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # another process holding the write lock for too long
        try:
            reply = playground.driver.click("UAGENT5", message, action, value, wait=5)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert reply.status == 200
        # The person could not be looked up, so the answer is in the workspace's language.
        busy = [r for r in reply.responses if "请稍后再试一次" in r["text"] and r["response_type"] == "ephemeral"]
        assert busy, reply.responses
        again = playground.driver.click("UAGENT5", message, action, value, wait=5)
        assert any("replace_original" in r for r in again.responses)
        with playground.runtime.sessions() as session:
            item = session.get(QuizItem, int(value.split(":")[0]))
            assert item is not None and item.answered_at is not None
