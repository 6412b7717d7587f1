"""First run: a new workspace's first admin, the welcome checklist, roster files shared in the
bot's DM, people outside the roster, and the admins' workspace settings modal."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from bot.app.playground import Playground
from bot.core.db.models import AuditEntry, Member, Role, Workspace
from bot.core.render import Renderer
from bot.core.spreadsheets import RowError
from bot.people.onboarding import RosterPreview, SetupChecklist
from bot.sim.driver import SlackDriver, block_text
from bot.sim.server import SimMessage

NEW_TEAM = "T0NEW01"
OWNER = "UOWNER1"
ROSTER = (
    "slack_id,name,team,role\nUOWNER1,Olivia Owner,Ops,admin\nUNEWAG1,Nina Agent,Ops,agent\nUNEWLD1,Leo Lead,Ops,lead\n"
)

# Sample contexts for tests/test_render.py (every template renders in both languages).
OPS_CONTEXTS: dict[str, dict[str, Any]] = {
    "welcome_checklist": {"checklist": SetupChecklist(1, None, "zh-CN", "Asia/Shanghai", "09:30")},
    "welcome_roster_preview": {"preview": RosterPreview(3, 1, []), "file_id": "F1", "filename": "team.csv"},
    "workspace_settings_modal": {
        "workspace": Workspace(
            id="T1",
            locale="en",
            timezone="Asia/Shanghai",
            lesson_time="09:30",
            working_days="0,1,2,3,4",
            holiday_country="CN",
            hr_channel="C0HR",
            lead_weekly_summary=True,
        ),
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
    },
}
OPS_VIEWS = {"workspace_settings_modal"}


def new_workspace(playground: Playground) -> SlackDriver:
    """A bot whose token belongs to a new Slack workspace, with nobody in its roster (the
    demo workspace stays in the database, untouched). Called before the first request, so
    the token's auth.test already names the new workspace."""
    playground.sim.team_id = NEW_TEAM
    playground.sim.add_user(OWNER, "Olivia Owner", locale="en-US", is_admin=True)
    playground.sim.add_user("UPLAIN1", "Pat Plain", locale="en-US")
    return SlackDriver(
        playground.driver.app_url.removesuffix("/slack/events"),
        playground.driver.verifier.signing_secret,
        playground.sim,
        NEW_TEAM,
    )


def eventually(playground: Playground, found: Callable[[], Any]) -> Any:
    """Deliver the outbox until ``found()`` is truthy; event listeners run after Slack's ack."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        playground.deliver()
        if result := found():
            return result
        time.sleep(0.05)
    raise AssertionError("the expected message never arrived")


def dm_containing(playground: Playground, user: str, text: str) -> SimMessage | None:
    return next((m for m in reversed(playground.sim.messages_for(user)) if text in readable(m)), None)


def readable(message: SimMessage) -> str:
    return "\n".join([message.text, *(block_text(block) for block in message.blocks)])


def members_of(playground: Playground, team: str) -> dict[str, Member]:
    with playground.runtime.sessions() as session:
        return {m.slack_id: m for m in session.scalars(select(Member).where(Member.workspace_id == team))}


def share_roster(
    playground: Playground, driver: SlackDriver, user: str, content: str | bytes, name: str = "team.csv"
) -> None:
    data = content.encode() if isinstance(content, str) else content
    shared = playground.sim.share_file(user, name, data)
    event = {"type": "message", "subtype": "file_share", "channel_type": "im", "channel": "D" + user[1:]}
    driver.event(event | {"user": user, "files": [shared], "text": ""})


def test_a_slack_admin_using_coach_first_becomes_admin_and_gets_the_checklist(playground: Playground) -> None:
    driver = new_workspace(playground)
    reply = driver.command(OWNER, "help")
    assert "settings" in reply.text  # the help of a roster member: the admin sees every command
    welcome = eventually(playground, lambda: dm_containing(playground, OWNER, "Welcome to Coachbot"))
    text = readable(welcome)
    assert "⬜ *Load your roster* (1 people so far)" in text and "Choose the HR channel" in text
    assert "/coach settings workspace" in text
    assert members_of(playground, NEW_TEAM)[OWNER].role == Role.ADMIN
    with playground.runtime.sessions() as session:
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.workspace_id == NEW_TEAM)) == (
            "workspace.first_admin"
        )
    driver.command(OWNER, "help")
    playground.deliver()
    assert len([m for m in playground.sim.messages_for(OWNER) if "Welcome to Coachbot" in readable(m)]) == 1


def test_an_ordinary_member_of_a_new_workspace_claims_nothing(playground: Playground) -> None:
    driver = new_workspace(playground)
    reply = driver.command("UPLAIN1", "lesson")
    assert "你还不在 Coachbot 名单中" in reply.text  # the workspace default language: no profile yet
    assert members_of(playground, NEW_TEAM) == {}


def test_a_roster_shared_in_the_dm_is_imported_only_after_the_admin_confirms(playground: Playground) -> None:
    driver = new_workspace(playground)
    driver.command(OWNER, "help")
    share_roster(playground, driver, OWNER, ROSTER)
    preview = eventually(playground, lambda: dm_containing(playground, OWNER, "team.csv"))
    assert "3 people in 1 teams" in readable(preview)
    assert set(members_of(playground, NEW_TEAM)) == {OWNER}  # nothing imported yet
    driver.click(OWNER, preview, "roster_import_confirm")
    assert playground.sim.wait_for(lambda: "Imported" in readable(preview))
    assert "Imported 2 new and 1 updated people" in readable(preview)
    people = members_of(playground, NEW_TEAM)
    assert set(people) == {OWNER, "UNEWAG1", "UNEWLD1"} and people[OWNER].role == Role.ADMIN
    assert members_of(playground, "T0DEMO")["UAGENT1"].name == "王芳"  # the other workspace is untouched


@pytest.mark.parametrize("form", ["gb18030.csv", "workbook.xlsx"])
def test_a_roster_saved_by_excel_on_chinese_windows_is_read_as_saved(playground: Playground, form: str) -> None:
    driver = new_workspace(playground)
    driver.command(OWNER, "help")
    if form.endswith(".xlsx"):
        workbook = openpyxl.Workbook()
        for row in csv.reader(io.StringIO(ROSTER.replace("Ops", "售后一组"))):
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    else:
        data = ROSTER.replace("Ops", "售后一组").encode("gb18030")
    share_roster(playground, driver, OWNER, data, form)
    preview = eventually(playground, lambda: dm_containing(playground, OWNER, form))
    assert "3 people in 1 teams" in readable(preview), readable(preview)
    driver.click(OWNER, preview, "roster_import_confirm")
    assert playground.sim.wait_for(lambda: "Imported" in readable(preview))
    assert set(members_of(playground, NEW_TEAM)) == {OWNER, "UNEWAG1", "UNEWLD1"}


def test_a_rejected_roster_is_explained_in_the_admins_language_and_escaped(renderer: Renderer) -> None:
    preview = RosterPreview(0, 0, [RowError(2, "bad_role", {"column": "角色", "value": "<!channel> & co"})])
    message = renderer.message("welcome_roster_preview", "zh-CN", preview=preview, file_id="F1", filename="a.xlsx")
    text = str(message.blocks)
    assert "第 2 行：“角色”的值“&lt;!channel&gt; &amp; co”不是" in text and "<!channel>" not in text


def test_a_roster_with_bad_rows_is_explained_and_not_offered(playground: Playground) -> None:
    driver = new_workspace(playground)
    driver.command(OWNER, "help")
    share_roster(playground, driver, OWNER, "slack_id,name,team,role\nnot-an-id,Nobody,Ops,wizard\n", "bad.csv")
    answer = eventually(playground, lambda: dm_containing(playground, OWNER, "bad.csv"))
    assert "was not imported" in readable(answer) and "line 2" in readable(answer)
    assert "roster_import_confirm" not in str(answer.blocks)


def test_only_admins_can_import_a_roster_by_dm(playground: Playground) -> None:
    share_roster(playground, playground.driver, "UAGENT5", ROSTER)
    eventually(playground, lambda: dm_containing(playground, "UAGENT5", "Only Coachbot admins"))
    assert "UNEWAG1" not in members_of(playground, "T0DEMO")


def test_people_outside_the_roster_are_told_who_their_admins_are(playground: Playground) -> None:
    playground.sim.add_user("UNEW001", "Newcomer")
    reply = playground.driver.command("UNEW001", "streak")
    assert "你还不在 Coachbot 名单中" in reply.text and "<@UADMIN1>" in reply.text


def workspace_values(**overrides: Any) -> dict[str, dict[str, Any]]:
    values: dict[str, Any] = {
        "locale": {"type": "static_select", "selected_option": {"value": "en"}},
        "timezone": {"type": "plain_text_input", "value": "Europe/Berlin"},
        "lesson_time": {"type": "timepicker", "selected_time": "10:15"},
        "working_days": {"type": "checkboxes", "selected_options": [{"value": d} for d in ("mon", "tue", "sat")]},
        "holiday_country": {"type": "plain_text_input", "value": "de"},
        "hr_channel": {"type": "conversations_select", "selected_conversation": "C0HRNEW"},
        "lead_weekly_summary": {"type": "checkboxes", "selected_options": []},
    } | overrides
    return {block: {block: value} for block, value in values.items()}


def test_admins_change_the_workspace_settings_in_a_modal(playground: Playground) -> None:
    playground.driver.command("UADMIN1", "settings workspace", wait=0)
    assert playground.sim.wait_for(lambda: bool(playground.sim.opened_views))
    view = playground.sim.opened_views[-1]
    assert view["callback_id"] == "workspace_settings"
    bad = playground.driver.submit(
        "UADMIN1", view, workspace_values(timezone={"type": "plain_text_input", "value": "Mars/Base"})
    )
    assert bad.json["response_action"] == "errors" and set(bad.json["errors"]) == {"timezone"}
    assert playground.driver.submit("UADMIN1", view, workspace_values()).status == 200
    with playground.runtime.sessions() as session:
        workspace = session.get(Workspace, "T0DEMO")
        assert workspace is not None
        assert (workspace.locale, workspace.timezone, workspace.lesson_time) == ("en", "Europe/Berlin", "10:15")
        assert (workspace.working_days, workspace.holiday_country, workspace.hr_channel) == ("0,1,5", "DE", "C0HRNEW")
        assert workspace.lead_weekly_summary is False


def test_only_admins_open_the_workspace_settings(playground: Playground) -> None:
    reply = playground.driver.command("ULEAD01", "settings workspace")
    assert "只有以下角色可以执行此操作：admin" in reply.text
    assert playground.sim.calls_to("views.open") == []
