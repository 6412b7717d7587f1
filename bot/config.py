"""Settings: the one place that reads the environment."""

from __future__ import annotations

from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Locale = Literal["zh-CN", "en"]
SLACK_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """A bad or missing setting; the message is one line naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True, populate_by_name=True)

    slack_bot_token: str | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=SLACK_API_URL, validation_alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite:///coachbot.db", validation_alias="DATABASE_URL")
    timezone: str = Field(default="Asia/Shanghai", validation_alias=AliasChoices("COACHBOT_TZ"))
    locale: Locale = Field(default="zh-CN", validation_alias=AliasChoices("COACHBOT_LOCALE"))
    hr_channel: str | None = Field(default=None, validation_alias="HR_CHANNEL")

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: str | None) -> str | None:
        if value and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value or None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: str | None) -> str | None:
        if value and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value or None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r}; use an IANA name such as Asia/Shanghai") from None
        return value

    @field_validator("hr_channel")
    @classmethod
    def _channel_id(cls, value: str | None) -> str | None:
        if value and value[:1] not in {"C", "G"}:
            raise ValueError("must be a channel id such as C0123456789 (right-click the channel, Copy link)")
        return value or None

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_slack_tokens(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))


_ENV_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "database_url": "DATABASE_URL",
    "timezone": "COACHBOT_TZ",
    "locale": "COACHBOT_LOCALE",
    "hr_channel": "HR_CHANNEL",
}


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one line that names the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        name = _ENV_NAMES.get(field, field.upper())
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "literal_error":
            message = "must be zh-CN or en"
        raise SettingsError(f"{name}: {message}") from None
