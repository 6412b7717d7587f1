"""Slack profiles: timezones and languages kept fresh without holding the database, and a
member Slack deactivates stops receiving anything (users.info and the user_change event)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.app.playground import Playground
from bot.core.db.models import AuditEntry, Member, OutboxMessage, OutboxStatus
from bot.core.outbox import enqueue
from jobs.profiles import sync_profiles
from tests.learning_helpers import SHANGHAI_0930, lesson_cards


def member(playground: Playground, slack_id: str) -> Member:
    with playground.runtime.sessions() as session:
        found = session.scalar(select(Member).where(Member.slack_id == slack_id))
        assert found is not None
        return found


def queue_for(playground: Playground, slack_id: str) -> None:
    later = playground.runtime.deps.now() + timedelta(days=1)
    with playground.runtime.sessions.begin() as session:
        enqueue(session, workspace_id="T0DEMO", dedupe_key=f"later:{slack_id}", method="chat.postMessage",
                payload={"channel": slack_id, "text": "later"}, now=later)  # fmt: skip


def test_a_member_deactivated_in_slack_gets_nothing_more(playground: Playground) -> None:
    queue_for(playground, "UAGENT3")
    playground.sim.users["UAGENT3"].deleted = True
    playground.sim.users["UAGENT2"].tz = "Europe/Berlin"
    assert sync_profiles(playground.runtime.job_context(SHANGHAI_0930)) >= 2
    assert not member(playground, "UAGENT3").active and member(playground, "UAGENT2").slack_tz == "Europe/Berlin"
    with playground.runtime.sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "later:UAGENT3"))
        assert row is not None and row.status == OutboxStatus.FAILED and row.last_error == "account_inactive"
        assert session.scalar(select(AuditEntry.subject).where(AuditEntry.action == "member.deactivated_in_slack")) == (
            "UAGENT3"
        )
    playground.runtime.tick(SHANGHAI_0930 + timedelta(days=1))
    assert lesson_cards(playground, "UAGENT3") == [] and lesson_cards(playground, "UAGENT1")


def test_the_user_change_event_deactivates_at_once(playground: Playground) -> None:
    queue_for(playground, "UAGENT4")
    user = {"id": "UAGENT4", "team_id": "T0DEMO", "deleted": True, "tz": "Asia/Shanghai", "name": "chenjing"}
    playground.driver.event({"type": "user_change", "user": user})
    assert playground.sim.wait_for(lambda: not member(playground, "UAGENT4").active, timeout=10)
    with playground.runtime.sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "later:UAGENT4"))
        assert row is not None and row.status == OutboxStatus.FAILED


def test_slack_is_never_asked_while_the_database_is_held(playground: Playground) -> None:
    # While users.info is answered, another writer must get SQLite's write lock at once.
    path = playground.settings.database_url.removeprefix("sqlite:///")
    free: list[bool] = []
    answer = playground.sim.api_users_info

    def users_info(params: dict[str, Any]) -> dict[str, Any]:
        probe = sqlite3.connect(path, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            free.append(True)
        except sqlite3.OperationalError:
            free.append(False)
        finally:
            probe.close()
        return answer(params)

    playground.sim.api_users_info = users_info  # type: ignore[method-assign]
    assert sync_profiles(playground.runtime.job_context(SHANGHAI_0930)) > 0
    assert free and all(free), free
