"""Settings: the one place that reads the environment."""

from __future__ import annotations

from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
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
    outbox_rate: float = Field(default=50.0, gt=0, le=1000, validation_alias="COACHBOT_OUTBOX_RATE")
    outbox_concurrency: int = Field(default=8, ge=1, le=64, validation_alias="COACHBOT_OUTBOX_CONCURRENCY")
    # Multi-workspace OAuth mode (issue 11): client id + secret instead of a bot token.
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    slack_scopes: str | None = Field(default=None, validation_alias="SLACK_SCOPES")  # default: manifest.yml
    public_url: str | None = Field(default=None, validation_alias="COACHBOT_PUBLIC_URL")
    # Fernet keys (comma-separated, newest first) that seal stored bot tokens in OAuth mode.
    token_keys: str | None = Field(default=None, validation_alias="COACHBOT_TOKEN_KEYS")
    log_format: Literal["auto", "json", "console"] = Field(default="auto", validation_alias="COACHBOT_LOG_FORMAT")

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

    @field_validator("public_url")
    @classmethod
    def _public_url_shape(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(
                "must be the https:// address Slack reaches this bot at, e.g. https://coachbot.example.com"
            )
        return value.rstrip("/") if value else None

    @model_validator(mode="after")
    def _one_way_to_authenticate(self) -> Settings:
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            raise ValueError("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: set both for OAuth mode, or neither")
        if self.slack_client_id and self.slack_bot_token:
            raise ValueError(
                "SLACK_BOT_TOKEN: unset it in OAuth mode (SLACK_CLIENT_ID is set); tokens come from installs"
            )
        return self

    @property
    def oauth_enabled(self) -> bool:
        """Several workspaces install the app through /slack/install; each has its own bot token."""
        return bool(self.slack_client_id and self.slack_client_secret and not self.slack_bot_token)

    @property
    def can_deliver(self) -> bool:
        """A bot token, or installations that hold one per workspace."""
        return bool(self.slack_bot_token) or self.oauth_enabled

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_slack_tokens(self) -> bool:
        return bool(self.can_deliver and (self.slack_app_token or self.slack_signing_secret))


_ENV_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "database_url": "DATABASE_URL",
    "timezone": "COACHBOT_TZ",
    "locale": "COACHBOT_LOCALE",
    "hr_channel": "HR_CHANNEL",
    "outbox_rate": "COACHBOT_OUTBOX_RATE",
    "outbox_concurrency": "COACHBOT_OUTBOX_CONCURRENCY",
    "slack_client_id": "SLACK_CLIENT_ID",
    "slack_client_secret": "SLACK_CLIENT_SECRET",
    "slack_scopes": "SLACK_SCOPES",
    "public_url": "COACHBOT_PUBLIC_URL",
    "token_keys": "COACHBOT_TOKEN_KEYS",
    "log_format": "COACHBOT_LOG_FORMAT",
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
            message = "must be auto, json or console" if name == "COACHBOT_LOG_FORMAT" else "must be zh-CN or en"
        if not field and ": " in message:  # a cross-field check names its variable itself
            name, message = message.split(": ", 1)
        raise SettingsError(f"{name}: {message}") from None
