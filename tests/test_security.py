"""Hostile requests and permissions: forged or replayed requests change nothing, every
privileged command is refused to the wrong role, and secrets never reach the logs."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from bot.app.playground import Playground
from bot.core.config import load_settings

ROLE_REFUSAL = ("只有以下角色可以执行此操作", "Only these roles can do that")
NOT_IN_ROSTER = ("你还不在 Coachbot 名单中", "You are not in the Coachbot roster yet")
USERS = {"agent": "UAGENT1", "lead": "ULEAD01", "hr": "UHR0001", "admin": "UADMIN1"}
# subcommand text -> roles that may use it (admins may use everything)
PRIVILEGED = {
    "team progress": {"lead", "hr"},
    "cert team": {"lead", "hr"},
    "cert digest": {"hr"},
    "cert export": {"lead", "hr"},
    "wellbeing": {"lead", "hr"},
    "score <@UAGENT2|b>": {"lead", "hr"},
}
EVERYONE = ["help", "lesson", "quiz", "streak", "cert", "checkin history", "settings"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Playground]:
    """One playground for the read-only permission matrix (commands here change nothing)."""
    database = tmp_path_factory.mktemp("matrix") / "coachbot.db"
    with Playground(load_settings(DATABASE_URL=f"sqlite:///{database}")) as playground:
        playground.sim.add_user("UOUTSIDE", "Outsider")
        yield playground


@pytest.mark.parametrize("command", sorted(PRIVILEGED))
@pytest.mark.parametrize("role", sorted(USERS))
def test_privileged_commands_are_refused_to_other_roles(shared: Playground, command: str, role: str) -> None:
    reply = shared.driver.command(USERS[role], command)
    refused = any(text in reply.text for text in ROLE_REFUSAL)
    allowed = role == "admin" or role in PRIVILEGED[command]
    assert refused is not allowed, reply.text


@pytest.mark.parametrize("command", sorted(PRIVILEGED) + EVERYONE[1:])
def test_people_outside_the_roster_can_only_get_help(shared: Playground, command: str) -> None:
    reply = shared.driver.command("UOUTSIDE", command)
    assert any(text in reply.text for text in NOT_IN_ROSTER), reply.text


def test_a_forged_lead_button_from_an_agent_is_refused(playground: Playground) -> None:
    forged = {
        "text": "x",
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "cert_team_next",
                        "value": "2",
                        "text": {"type": "plain_text", "text": ">"},
                    }
                ],
            }
        ],
    }
    reply = playground.driver.click("UAGENT1", forged, "cert_team_next")
    assert any(text in reply.text for text in ROLE_REFUSAL)


def test_a_replayed_request_is_refused_and_runs_once(playground: Playground) -> None:
    driver = playground.driver
    body = urlencode(
        {
            "team_id": "T0DEMO",
            "user_id": "UAGENT1",
            "command": "/coach",
            "text": "help",
            "response_url": playground.sim.new_response_url(),
            "trigger_id": "1.2",
        }
    )
    stamp = int(time.time())
    first = driver.post(body, "application/x-www-form-urlencoded", timestamp=stamp)
    replay = driver.post(body, "application/x-www-form-urlencoded", timestamp=stamp)
    assert first[0] == 200 and "Coachbot" in first[1]
    assert replay[0] == 401


def test_an_oversized_body_is_refused_unread(playground: Playground) -> None:
    host, port = playground.server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 5000000\r\n\r\ntext=" + b"x" * 1000
        )
        answer = connection.recv(200).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer


def test_tokens_and_secrets_never_reach_the_logs(playground: Playground, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = playground.settings.slack_signing_secret
    assert secret
    logging.getLogger("test").error("calling Slack with %s and %s", "xoxb-123-456-abcdef", secret)
    playground.sim.fail_next("chat.postMessage", error="invalid_auth")
    playground.driver.command("UAGENT1", "settings")
    playground.runtime.tick()
    logging.getLogger("slack_sdk").debug("Authorization: Bearer %s", playground.settings.slack_bot_token)
    try:
        raise RuntimeError(f"boom with {playground.settings.slack_bot_token}")
    except RuntimeError:
        logging.getLogger("test").exception("failed")
    assert caplog.records
    assert "xoxb-" not in caplog.text and secret not in caplog.text
    assert "[redacted]" in caplog.text


ACTIONS = [
    "cert_book",
    "cert_team_next",
    "cert_team_prev",
    "exam_grade",
    "score_remind",
    "score_close",
    "poll_close",
    "poll_vote",
    "score_open",
    "roster_import_confirm",
    "roster_import_cancel",
    "workspace_settings_open",
    "support_accept",
    "support_reveal",
    "support_cancel",
    "checkin_talk_to_lead",
    "quiz_answer_a",
    "quiz_submit",
    "home_open_settings",
]
VIEWS = [
    "cert_assess",
    "exam_grade",
    "exam_submit",
    "score_setup",
    "score_submit",
    "poll_create",
    "workspace_settings",
    "settings",
    "checkin",
    "checkin_settings",
]
UNEXPECTED = ("出了点问题", "something went wrong")


@pytest.mark.parametrize("user", ["UAGENT1", "UOUTSIDE"])
def test_forged_clicks_on_every_button_get_a_clear_answer(shared: Playground, user: str) -> None:
    for action in ACTIONS:
        button = {"type": "button", "action_id": action, "value": "1", "text": {"type": "plain_text", "text": "x"}}
        reply = shared.driver.click(
            user, {"text": "x", "blocks": [{"type": "actions", "elements": [button]}]}, action, wait=1.0
        )
        assert reply.status == 200, action
        assert not any(text in reply.text for text in UNEXPECTED), (action, reply.text)


@pytest.mark.parametrize("user", ["UAGENT1", "UOUTSIDE"])
def test_forged_modal_submissions_are_refused_with_field_errors(shared: Playground, user: str) -> None:
    for callback in VIEWS:
        reply = shared.driver.submit(user, {"callback_id": callback, "private_metadata": "1", "blocks": []}, {})
        refused = reply.json.get("response_action")
        assert reply.status == 200 and refused in ("errors", "update"), (callback, reply.body)
        assert not any(text in reply.body for text in UNEXPECTED), (callback, reply.body)
