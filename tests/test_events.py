"""Every event the manifest may deliver is answered: a written DM gets help, an uninstall
drops the tokens and the queue, anything else is acknowledged (not Bolt's 404)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app.playground import Playground
from bot.core.db.models import AuditEntry, OutboxMessage, OutboxStatus
from bot.core.outbox import enqueue
from tests.test_onboarding import eventually, readable


def dm(user: str, text: str, ts: str = "1700000000.000100") -> dict[str, object]:
    return {"type": "message", "channel_type": "im", "channel": "D" + user[1:], "user": user, "text": text, "ts": ts}


def test_a_written_dm_is_answered_once_with_help_in_the_persons_language(playground: Playground) -> None:
    event = dm("UAGENT1", "你好，怎么用？")
    assert playground.driver.event(event, event_id="EvDM1").status == 200
    answer = eventually(
        playground, lambda: [m for m in playground.sim.messages_for("UAGENT1") if "/coach" in readable(m)]
    )
    assert len(answer) == 1 and "Coachbot 能帮你做什么" in readable(answer[0])  # 王芳 reads Chinese
    playground.driver.event(event, event_id="EvDM1", retry_num=1)  # Slack re-delivers
    playground.driver.event(event, event_id="EvDM1b")  # or sends the same message under another id
    playground.deliver()
    assert len([m for m in playground.sim.messages_for("UAGENT1") if "/coach" in readable(m)]) == 1


def test_the_bots_own_messages_and_edits_get_no_answer(playground: Playground) -> None:
    before = len(playground.sim.messages)
    playground.driver.event(dm("UAGENT1", "hi") | {"bot_id": "BCOACH"})
    playground.driver.event(dm("UAGENT1", "hi") | {"subtype": "message_changed"})
    playground.deliver()
    assert len(playground.sim.messages) == before


def test_events_nobody_handles_are_acknowledged_not_404(playground: Playground) -> None:
    for event in (
        {"type": "app_mention", "user": "UAGENT1", "text": "<@UBOT> hi", "channel": "CGENERAL", "ts": "1.2"},
        {"type": "member_joined_channel", "user": "UAGENT1", "channel": "CGENERAL", "channel_type": "C"},
        {"type": "team_join", "user": {"id": "UNEW1"}},
    ):
        assert playground.driver.event(event).status == 200, event["type"]


def test_view_closed_is_acknowledged(playground: Playground) -> None:
    payload = {
        "type": "view_closed",
        "team": {"id": playground.driver.team_id},
        "user": {"id": "UAGENT1", "team_id": playground.driver.team_id},
        "view": {"id": "V1", "callback_id": "checkin", "type": "modal", "blocks": [], "state": {"values": {}}},
        "api_app_id": "ACOACHBOT",
        "is_cleared": False,
    }
    assert playground.driver._interaction(payload, wait=0).status == 200


def test_an_uninstall_cancels_what_was_waiting_and_is_audited(playground: Playground) -> None:
    team = playground.driver.team_id
    with playground.runtime.sessions.begin() as session:
        enqueue(session, workspace_id=team, dedupe_key="late-1", method="chat.postMessage",
                payload={"channel": "UAGENT1", "text": "late"}, now=playground.runtime.deps.now())  # fmt: skip
    assert playground.driver.event({"type": "app_uninstalled"}).status == 200
    with playground.runtime.sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "late-1"))
        assert row is not None and row.status == OutboxStatus.FAILED and row.last_error == "app_uninstalled"
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.workspace_id == team)).all()
    assert "workspace.app_uninstalled" in actions
    playground.deliver()
    assert not any(m.text == "late" for m in playground.sim.messages)


def test_revoking_only_a_users_token_keeps_the_bot(playground: Playground) -> None:
    team = playground.driver.team_id
    with playground.runtime.sessions.begin() as session:
        enqueue(session, workspace_id=team, dedupe_key="kept-1", method="chat.postMessage",
                payload={"channel": "UAGENT1", "text": "kept"}, now=playground.runtime.deps.now())  # fmt: skip
    playground.driver.event({"type": "tokens_revoked", "tokens": {"oauth": ["UAGENT1"]}})
    playground.deliver()  # the background sender may hold the row already: wait for the post
    assert playground.sim.wait_for(lambda: any(m.text == "kept" for m in playground.sim.messages), timeout=10)
    playground.driver.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}})

    def audited() -> bool:  # the listener runs after Slack's ack
        with playground.runtime.sessions() as session:
            actions = session.scalars(select(AuditEntry.action).where(AuditEntry.workspace_id == team)).all()
        return "workspace.tokens_revoked" in actions

    assert eventually(playground, audited)
