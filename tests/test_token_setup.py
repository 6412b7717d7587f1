"""Token-only setup: with just SLACK_BOT_TOKEN, the workspace is the token's own (Slack's
auth.test), so the first CLI command on an empty database needs no --workspace; a refused
token or an unreachable Slack is said plainly and creates nothing."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.app.cli import app
from bot.app.playground import Playground
from bot.app.slack_client import SlackCheckFailed, identify_token
from bot.core.config import Settings, load_settings
from bot.core.db.engine import make_engine, make_session_factory
from bot.core.db.models import AuditEntry, Member, Workspace
from bot.sim.driver import SlackDriver
from bot.sim.server import SlackSimulator

TEAM, TOKEN = "T0ACME01", "xoxb-acme-support"
ROSTER = "slack_id,name,team,role\nU0LEAD1,李娜,售后一组,lead\nU0AGENT1,王芳,售后一组,agent\n"


@pytest.fixture
def sim() -> Iterator[SlackSimulator]:
    with SlackSimulator(team_id=TEAM, bot_token=TOKEN, team_name="Acme Support") as sim:
        yield sim


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "team.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def use(monkeypatch: pytest.MonkeyPatch, settings: Settings, api_url: str, token: str = TOKEN) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", token)
    monkeypatch.setenv("SLACK_API_URL", api_url)


def workspaces(settings: Settings) -> dict[str, str]:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return {w.id: w.name for w in session.scalars(select(Workspace))}
    finally:
        engine.dispose()


def test_the_first_roster_import_with_only_a_bot_token_needs_no_workspace_option(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, sim: SlackSimulator, roster: Path
) -> None:
    use(monkeypatch, settings, sim.api_url)
    result = CliRunner().invoke(app, ["roster", "import", str(roster)])
    assert result.exit_code == 0, result.output
    assert f"已向 {TEAM} 导入" in result.output and "新增 2" in result.output
    assert workspaces(settings) == {TEAM: "Acme Support"}
    assert len(sim.calls_to("auth.test")) == 1
    exported = CliRunner().invoke(app, ["roster", "export"])
    assert exported.exit_code == 0 and "U0AGENT1,王芳" in exported.output
    assert len(sim.calls_to("auth.test")) == 1, "a database that knows its workspace does not ask Slack again"


def test_every_cli_command_that_needs_a_workspace_finds_the_tokens_own(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, sim: SlackSimulator
) -> None:
    use(monkeypatch, settings, sim.api_url)
    result = CliRunner().invoke(app, ["workspace", "show"])
    assert result.exit_code == 0, result.output
    assert f"Workspace {TEAM} Acme Support" in result.output


def test_with_rows_of_several_workspaces_the_tokens_own_is_chosen(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, sim: SlackSimulator, roster: Path
) -> None:
    use(monkeypatch, settings, sim.api_url)
    runner = CliRunner()
    assert runner.invoke(app, ["roster", "import", str(roster), "--workspace", "T0OLDDEMO"]).exit_code == 0
    assert runner.invoke(app, ["roster", "import", str(roster), "--workspace", TEAM]).exit_code == 0
    result = runner.invoke(app, ["workspace", "show"])
    assert result.exit_code == 0 and f"Workspace {TEAM}" in result.output


@pytest.mark.parametrize(
    ("locale", "words"),
    [("en", "Slack refused SLACK_BOT_TOKEN (invalid_auth)"), ("zh-CN", "Slack 拒绝了 SLACK_BOT_TOKEN（invalid_auth）")],
)
def test_a_wrong_token_is_named_in_the_operators_language_and_nothing_is_created(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, sim: SlackSimulator, roster: Path, locale: str, words: str
) -> None:
    use(monkeypatch, settings, sim.api_url, token="xoxb-copied-wrong")
    monkeypatch.setenv("COACHBOT_LOCALE", locale)
    result = CliRunner().invoke(app, ["roster", "import", str(roster)])
    assert result.exit_code == 1
    assert words in result.output and "OAuth & Permissions" in result.output
    assert workspaces(settings) == {}
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        assert session.scalars(select(Member)).first() is None
    engine.dispose()


def test_an_unreachable_slack_is_said_plainly(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, roster: Path
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use(monkeypatch, settings, f"http://127.0.0.1:{port}/api/")
    monkeypatch.setenv("COACHBOT_LOCALE", "en")
    result = CliRunner().invoke(app, ["roster", "import", str(roster)])
    assert result.exit_code == 1
    assert f"Could not reach Slack at http://127.0.0.1:{port}/api/" in result.output
    assert workspaces(settings) == {}


def test_auth_test_names_the_workspace_and_the_scopes_the_install_granted(sim: SlackSimulator) -> None:
    sim.scopes = ["chat:write", "commands"]
    identity = identify_token(load_settings(SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=sim.api_url))
    assert (identity.team_id, identity.team_name, identity.user_id) == (TEAM, "Acme Support", "UBOT")
    assert identity.scopes == {"chat:write", "commands"}
    with pytest.raises(SlackCheckFailed) as refused:
        identify_token(load_settings(SLACK_BOT_TOKEN="xoxb-wrong", SLACK_API_URL=sim.api_url))
    assert refused.value.reason == "invalid_auth"


STRANGER = "T0STRANGR"


def test_single_workspace_mode_answers_another_teams_requests_with_nothing(playground: Playground) -> None:
    other = SlackDriver(playground.server.url, playground.driver.verifier.signing_secret, playground.sim, STRANGER)
    playground.sim.add_user("USTRANGE", "Stranger Danger", is_admin=True)
    command = other.command("USTRANGE", "help", wait=0.5)
    assert (command.status, command.body, command.responses) == (200, "", [])
    home = other.event({"type": "app_home_opened", "user": "USTRANGE", "tab": "home"})
    revoked = other.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}})
    assert (home.status, revoked.status) == (200, 200)
    time.sleep(0.3)  # event listeners would run after the ack
    assert "USTRANGE" not in playground.sim.home and playground.sim.messages_for("USTRANGE") == []
    with playground.runtime.sessions() as session:
        assert set(session.scalars(select(Workspace.id))) == {playground.driver.team_id}
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "workspace.tokens_revoked")).all() == []
    assert playground.driver.command("UAGENT1", "help").text, "the token's own workspace is served as before"
