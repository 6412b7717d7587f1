"""`coachbot doctor` against the simulator, with a realistic roster (30 teams, 300 people):
each check says ✓ or ✗ with how to fix it, in the operator's language; exit 1 when
anything fails; without tokens it says how to get them and still checks the roster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import update
from typer.testing import CliRunner

from bot.app import cli
from bot.app.oauth import manifest_scopes
from bot.app.runtime import Runtime
from bot.core.config import Settings, load_settings
from bot.core.db.models import Workspace
from bot.sim.server import SlackSimulator

TEAM, TOKEN = "T0ACME01", "xoxb-acme-support"
HR = "C0HRTEAM1"


def roster_csv(*, problems: bool) -> str:
    """30 teams of a lead and nine agents. With problems: team 30 has no lead, team 29 two
    (the second leads nothing), and three people have no timezone."""
    lines = ["slack_id,name,team,role,timezone"]
    for team in range(1, 31):
        for seat in range(10):
            role = "lead" if seat == 0 else "agent"
            timezone = "Asia/Shanghai"
            if problems:
                role = "agent" if team == 30 else role
                role = "lead" if (team, seat) == (29, 1) else role
                timezone = "" if (team, seat) in {(3, 4), (7, 2), (12, 9)} else timezone
            lines.append(f"U0{team:02d}{seat:02d}XX,客服{team:02d}-{seat},售后{team:02d}组,{role},{timezone}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def sim() -> Iterator[SlackSimulator]:
    with SlackSimulator(team_id=TEAM, bot_token=TOKEN, team_name="Acme Support") as sim:
        sim.scopes = manifest_scopes()
        sim.add_channel(HR, "hr-team")
        yield sim


@pytest.fixture
def doctor(monkeypatch: pytest.MonkeyPatch, settings: Settings, sim: SlackSimulator) -> CliRunner:
    """The operator's environment: one bot token, Socket Mode, the roster imported with problems."""
    monkeypatch.setattr(cli, "console", Console(highlight=False, soft_wrap=True, width=250))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-acme")
    monkeypatch.setenv("SLACK_API_URL", sim.api_url)
    runner = CliRunner()
    import_roster(runner, problems=True)
    assert runner.invoke(cli.app, ["workspace", "set", "--hr-channel", HR]).exit_code == 0
    return runner


def import_roster(runner: CliRunner, *, problems: bool) -> None:
    path = Path("team.csv")
    path.write_text(roster_csv(problems=problems), encoding="utf-8")
    result = runner.invoke(cli.app, ["roster", "import", str(path)])
    assert result.exit_code == 0, result.output


def row(output: str, mark: str, check: str) -> str:
    """The table row of ``check``, which must carry ``mark``."""
    line = next((line for line in output.splitlines() if f" {check} " in line), "")
    assert f" {mark} " in line, f"{check!r} is not {mark} in:\n{output}"
    return line


def test_each_problem_is_marked_and_explained_and_the_exit_code_says_so(
    doctor: CliRunner, sim: SlackSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACHBOT_LOCALE", "en")
    sim.scopes = [scope for scope in manifest_scopes() if scope != "files:read"]  # installed from an older manifest
    result = doctor.invoke(cli.app, ["doctor"])
    out = result.output
    assert result.exit_code == 1, out
    assert "valid for Acme Support (T0ACME01)" in row(out, "✓", "Bot token")
    row(out, "✓", "Connection to Slack")
    assert "missing: files:read" in row(out, "✗", "Permissions (scopes)")
    assert "#hr-team (C0HRTEAM1): the bot is not a member" in row(out, "✗", "HR channel")
    assert "300 people in 30 teams" in row(out, "✓", "Roster")
    assert "1: 客服29-1 (U02901XX)" in row(out, "✗", "Leads without a team")
    assert "1: 售后30组" in row(out, "✗", "Teams without a lead")
    assert "3: 客服03-4 (U00304XX), 客服07-2 (U00702XX), 客服12-9 (U01209XX)" in row(
        out, "✗", "Members without a timezone"
    )
    assert "✗ Permissions (scopes): Update the app from the current manifest.yml and reinstall it" in out
    assert "✗ HR channel: Type `/invite @Coachbot` in #hr-team" in out
    assert "✗ Teams without a lead: Add a row with role lead for each of these teams" in out
    assert "they get the workspace's Asia/Shanghai" in out
    assert "5 check(s) failed." in out
    assert len(sim.calls_to("auth.test")) == 2  # one for the first import, one for the doctor


def test_once_everything_is_fixed_every_check_passes_in_chinese(
    doctor: CliRunner, sim: SlackSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACHBOT_LOCALE", "zh-CN")
    import_roster(doctor, problems=False)
    sim.channels[HR].members.add(sim.BOT_USER)  # someone typed /invite @Coachbot
    result = doctor.invoke(cli.app, ["doctor"])
    out = result.output
    assert result.exit_code == 0, out
    assert "有效，属于 Acme Support（T0ACME01）" in row(out, "✓", "机器人令牌")
    assert "manifest.yml 中的 10 项权限均已授予" in row(out, "✓", "权限（scopes）")
    assert "#hr-team（C0HRTEAM1）：机器人已在频道中" in row(out, "✓", "HR 频道")
    assert "30 个团队，共 300 人" in row(out, "✓", "人员名单")
    for check in ("没有团队的组长", "没有组长的团队", "没有时区的成员"):
        row(out, "✓", check)
    assert "✗" not in out and "全部检查通过。" in out


def test_problems_are_explained_in_chinese_too(
    doctor: CliRunner, sim: SlackSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACHBOT_LOCALE", "zh-CN")
    result = doctor.invoke(cli.app, ["doctor"])
    assert result.exit_code == 1
    assert "#hr-team（C0HRTEAM1）：机器人不在频道中" in row(result.output, "✗", "HR 频道")
    assert "✗ HR 频道: 在 #hr-team 中输入 `/invite @Coachbot`" in result.output
    assert "1 个：售后30组" in row(result.output, "✗", "没有组长的团队")
    assert "4 项检查未通过。" in result.output


def test_an_unset_hr_channel_means_hr_gets_dms(doctor: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACHBOT_LOCALE", "en")
    runtime = Runtime(load_settings())
    with runtime.sessions.begin() as session:
        session.execute(update(Workspace).values(hr_channel=None))
    runtime.engine.dispose()
    result = doctor.invoke(cli.app, ["doctor"])
    assert "not set: HR gets reminders and digests by DM" in row(result.output, "✓", "HR channel")


def test_without_tokens_it_says_how_to_get_them_and_still_checks_the_roster(
    doctor: CliRunner, sim: SlackSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACHBOT_LOCALE", "en")
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.delenv("SLACK_APP_TOKEN")
    calls = len(sim.calls)
    result = doctor.invoke(cli.app, ["doctor"])
    out = result.output
    assert result.exit_code == 1
    assert "not set" in row(out, "✗", "Bot token")
    assert "✗ Bot token: Create the app from manifest.yml at https://api.slack.com/apps" in out
    assert "`coachbot shell`" in out
    assert "neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set" in row(out, "✗", "Connection to Slack")
    assert "not checked: needs a valid bot token" in row(out, "–", "Permissions (scopes)")
    row(out, "–", "HR channel")
    assert "300 people in 30 teams" in row(out, "✓", "Roster")
    assert "1: 售后30组" in row(out, "✗", "Teams without a lead")
    assert len(sim.calls) == calls, "no token, no call to Slack"


def test_a_refused_token_is_named(doctor: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACHBOT_LOCALE", "en")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    result = doctor.invoke(cli.app, ["doctor"])
    assert result.exit_code == 1
    assert "refused by Slack (invalid_auth)" in row(result.output, "✗", "Bot token")
    assert "✗ Bot token: Copy the Bot User OAuth Token (xoxb-…) again" in result.output
    assert "300 people in 30 teams" in row(result.output, "✓", "Roster")
