from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.app.cli import app
from bot.core.config import SLACK_API_URL, SettingsError, load_settings


def test_defaults_need_no_environment() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///coachbot.db"
    assert settings.slack_api_url == SLACK_API_URL
    assert settings.locale == "zh-CN"
    assert not settings.has_slack_tokens


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("COACHBOT_TZ", "Mars/Olympus", "COACHBOT_TZ: unknown timezone 'Mars/Olympus'"),
        ("COACHBOT_LOCALE", "fr", "COACHBOT_LOCALE: must be zh-CN or en"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN: must be a bot token starting with xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-1", "SLACK_APP_TOKEN: must be an app-level token starting with xapp-"),
        ("SLACK_API_URL", "slack.local/api", "SLACK_API_URL: must be an http(s) URL"),
        ("DATABASE_URL", "mysql://db", "DATABASE_URL: must start with sqlite:/// or postgresql+psycopg://"),
        ("HR_CHANNEL", "#hr", "HR_CHANNEL: must be a channel id"),
    ],
)
def test_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_postgres_urls_use_psycopg3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://coach@db/coachbot")
    assert load_settings().database_url == "postgresql+psycopg://coach@db/coachbot"


def test_api_url_gets_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    assert load_settings().slack_api_url == "http://127.0.0.1:9/api/"


def test_cli_stops_with_the_bad_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACHBOT_TZ", "Nowhere/Land")
    result = CliRunner().invoke(app, ["jobs", "tick"])
    assert result.exit_code == 2
    assert "COACHBOT_TZ: unknown timezone 'Nowhere/Land'" in result.output


def test_run_without_tokens_explains_how_to_connect() -> None:
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 1
    assert "No Slack tokens are set" in result.output
    assert "coachbot shell" in result.output


def test_http_mode_needs_a_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "SLACK_SIGNING_SECRET" in result.output
