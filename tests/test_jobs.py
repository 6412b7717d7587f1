from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.app.cli import app
from bot.app.playground import Playground
from bot.core.db.models import OutboxMessage, OutboxStatus, ProcessedEvent
from bot.core.events import first_delivery
from bot.core.outbox import enqueue
from tests.conftest import NOW as MONDAY_MORNING
from tests.learning_helpers import lesson_cards

# Tuesday 21:30 in Shanghai: no lessons are due, and Monday's HR digest (by DM) has gone
NOW = MONDAY_MORNING + timedelta(days=1, hours=12)


def test_tick_delivers_what_is_due_and_forgets_old_event_ids(playground: Playground) -> None:
    runtime = playground.runtime
    with runtime.sessions.begin() as session:
        first_delivery(session, "EvOLD", "T0DEMO", NOW - timedelta(days=3))
        first_delivery(session, "EvNEW", "T0DEMO", NOW)
        enqueue(
            session,
            workspace_id="T0DEMO",
            dedupe_key="later",
            method="chat.postMessage",
            payload={"channel": "UAGENT1", "text": "later"},
            now=NOW,
            not_before=NOW + timedelta(hours=1),
        )
    results = runtime.tick(NOW)
    assert results["housekeeping"] == 1 and results["sent"] == 0
    assert runtime.tick(NOW + timedelta(hours=1))["sent"] == 1
    assert [m.text for m in playground.sim.messages_for("UAGENT1")] == ["later"]
    with runtime.sessions() as session:
        assert session.scalars(select(ProcessedEvent.event_id)).all() == ["EvNEW"]


def test_cli_tick_time_travels_and_keeps_messages_without_a_token(tmp_path: object) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["jobs", "tick", "--now", "2026-03-02T09:30:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "housekeeping" in result.output and "2026-03-02T09:30:00+08:00" in result.output
    assert runner.invoke(app, ["jobs", "tick", "--now", "yesterday"]).exit_code == 2
    naive = runner.invoke(app, ["jobs", "tick", "--now", "2026-03-02T09:30"])
    assert naive.exit_code == 2 and "UTC offset" in naive.output


def test_without_a_token_queued_messages_wait_instead_of_failing(playground: Playground) -> None:
    from bot.app.runtime import Runtime

    offline = Runtime(playground.settings.model_copy(update={"slack_bot_token": None}))
    with offline.sessions.begin() as session:
        enqueue(
            session,
            workspace_id="T0DEMO",
            dedupe_key="wait",
            method="chat.postMessage",
            payload={"channel": "UAGENT1", "text": "wait"},
            now=NOW,
        )
    offline.tick(NOW)
    with offline.sessions() as session:
        status = session.scalar(select(OutboxMessage.status).where(OutboxMessage.dedupe_key == "wait"))
        assert status == OutboxStatus.PENDING
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_failing_job_never_stops_the_others(playground: Playground, monkeypatch: pytest.MonkeyPatch) -> None:
    import jobs

    def broken(_ctx: object) -> int:
        raise RuntimeError("the profile service is down")

    monkeypatch.setattr(jobs, "JOBS", (jobs.Job("broken", broken), *jobs.JOBS))
    results = playground.runtime.tick(MONDAY_MORNING)
    assert results["broken"] == jobs.FAILED
    assert results["lessons"] > 0 and lesson_cards(playground, "UAGENT1")  # the rest of the tick happened


def test_cli_tick_without_a_token_says_how_many_messages_wait(tmp_path: object) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["jobs", "tick", "--now", "2026-03-02T09:30:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "messages wait in the outbox: set SLACK_BOT_TOKEN" in result.output
