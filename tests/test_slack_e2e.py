"""The real app over HTTP, driven like Slack drives it, answering through the simulator."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from bot.app.playground import Playground
from bot.core.db.models import AuditEntry, Member


def member(playground: Playground, slack_id: str) -> Member:
    with playground.runtime.sessions() as session:
        found = session.scalar(select(Member).where(Member.slack_id == slack_id))
        assert found is not None
        return found


def test_signed_help_answers_in_the_members_language(playground: Playground) -> None:
    chinese = playground.driver.command("UAGENT1", "help")
    assert chinese.status == 200
    assert "Coachbot 能帮你做什么" in chinese.text and "/coach settings" in chinese.text
    english = playground.driver.command("UAGENT5", "help")
    assert "Coachbot — what I can do" in english.text


def test_empty_command_shows_help(playground: Playground) -> None:
    assert "/coach help" in playground.driver.command("UAGENT5", "").text


def test_unknown_subcommand_gets_usage_with_a_suggestion(playground: Playground) -> None:
    reply = playground.driver.command("UAGENT5", "setings")
    assert "I don't know `setings`. Did you mean `/coach settings`?" in reply.text


def test_people_outside_the_roster_are_told_how_to_get_in(playground: Playground) -> None:
    playground.sim.add_user("UNEW001", "Newcomer")
    help_text = playground.driver.command("UNEW001", "help").text
    assert "你还不在团队名单里" in help_text and "/coach settings" not in help_text
    reply = playground.driver.command("UNEW001", "settings")
    assert "你还不在 Coachbot 名单中" in reply.text
    assert playground.sim.calls_to("views.open") == []


def test_bad_signature_is_refused_and_changes_nothing(playground: Playground) -> None:
    playground.driver.verifier.signing_secret = "not-the-secret"
    reply = playground.driver.command("UAGENT1", "help", wait=0)
    assert reply.status == 401
    assert playground.sim.responses and all(not replies for replies in playground.sim.responses.values())


def test_stale_and_unsigned_requests_are_refused(playground: Playground) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    assert playground.driver.command("UAGENT1", "help", wait=0, timestamp=six_minutes_ago).status == 401
    assert playground.driver.command("UAGENT1", "help", wait=0, signed=False).status == 401


def test_a_retried_event_is_processed_once(playground: Playground) -> None:
    event = {"type": "app_home_opened", "user": "UAGENT1", "tab": "home"}
    assert playground.driver.event(event, event_id="Ev0RETRY1").status == 200
    assert playground.sim.wait_for(lambda: len(playground.sim.calls_to("views.publish")) == 1)
    assert playground.driver.event(event, event_id="Ev0RETRY1", retry_num=1).status == 200
    assert playground.driver.event(event, event_id="Ev0RETRY1", retry_num=2).status == 200
    time.sleep(0.5)
    assert len(playground.sim.calls_to("views.publish")) == 1


def test_app_home_greets_the_member_with_a_settings_button(playground: Playground) -> None:
    playground.driver.event({"type": "app_home_opened", "user": "UAGENT5", "tab": "home"})
    assert playground.sim.wait_for(lambda: "UAGENT5" in playground.sim.home)
    home = json.dumps(playground.sim.home["UAGENT5"], ensure_ascii=False)
    assert "Hello Alex Chen!" in home and "home_open_settings" in home


def test_settings_modal_saves_language_and_time_and_confirms_by_dm(playground: Playground) -> None:
    reply = playground.driver.command("UAGENT1", "settings")
    assert reply.status == 200
    assert playground.sim.wait_for(lambda: len(playground.sim.opened_views) == 1)
    view = playground.sim.opened_views[0]
    assert view["callback_id"] == "settings"
    answer = playground.driver.submit(
        "UAGENT1",
        view,
        {
            "locale": {"locale": {"type": "static_select", "selected_option": {"value": "en"}}},
            "lesson_time": {"lesson_time": {"type": "timepicker", "selected_time": "08:45"}},
        },
    )
    assert answer.status == 200 and answer.json.get("response_action") is None
    saved = member(playground, "UAGENT1")
    assert (saved.locale, saved.lesson_time) == ("en", "08:45")
    playground.deliver()
    dms = playground.sim.messages_for("UAGENT1")
    assert len(dms) == 1 and "arrive at 08:45" in dms[0].text
    with playground.runtime.sessions() as session:
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.actor == "UAGENT1")) == "settings.saved"
    assert "Coachbot — what I can do" in playground.driver.command("UAGENT1", "help").text


def test_a_forged_settings_submission_gets_field_errors(playground: Playground) -> None:
    answer = playground.driver.submit(
        "UAGENT1",
        {"callback_id": "settings", "blocks": []},
        {
            "locale": {"locale": {"type": "static_select", "selected_option": {"value": "klingon"}}},
            "lesson_time": {"lesson_time": {"type": "timepicker", "selected_time": "27:99"}},
        },
    )
    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {"locale", "lesson_time"}
    assert member(playground, "UAGENT1").locale == "zh-CN"


def test_user_text_cannot_ping_the_channel(playground: Playground) -> None:
    with playground.runtime.sessions.begin() as session:
        row = session.scalar(select(Member).where(Member.slack_id == "UAGENT5"))
        assert row is not None
        row.name = "<!channel> <@ULEAD01> <https://evil.example|click>"
    playground.driver.event({"type": "app_home_opened", "user": "UAGENT5", "tab": "home"})
    assert playground.sim.wait_for(lambda: "UAGENT5" in playground.sim.home)
    home = json.dumps(playground.sim.home["UAGENT5"])
    assert "<!channel>" not in home and "<@ULEAD01>" not in home and "<https://" not in home
    assert "&lt;!channel&gt;" in home


def test_health_check_reports_database_and_slack(playground: Playground) -> None:
    import urllib.request

    with urllib.request.urlopen(playground.server.url + "/healthz") as response:  # noqa: S310
        health = json.loads(response.read())
    assert health == {"status": "ok", "database": "ok", "slack": "ok"}
    assert "xoxb" not in json.dumps(health)
