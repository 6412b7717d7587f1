"""slack_sdk's Web API client as Coachbot uses it, and the token check (auth.test).

Kept apart from the Bolt app so CLI commands and jobs can talk to Slack without
importing every handler.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.core.config import Settings


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A real slack_sdk client aimed at SLACK_API_URL, retrying connection errors and 429s."""
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=1)],
    )


@dataclass(frozen=True)
class BotIdentity:
    """Who a bot token is, from Slack's auth.test: its workspace and the scopes it was granted."""

    team_id: str
    team_name: str
    user_id: str
    scopes: frozenset[str]


class SlackCheckFailed(Exception):
    """auth.test did not answer who the token is: ``reason`` is Slack's error code
    (``invalid_auth``, ``not_authed``, ``account_inactive``, ``token_revoked``…) or
    ``unreachable`` when no answer came back at all."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def identify_token(settings: Settings, token: str | None = None) -> BotIdentity:
    """One auth.test call. Slack lists the token's scopes in the ``x-oauth-scopes`` header of
    every Web API answer, so this one call also says what the install granted."""
    client = make_web_client(settings, token)
    try:
        response = client.auth_test()
    except SlackApiError as error:
        raise SlackCheckFailed(str(error.response.get("error") or "unknown_error")) from None
    except (SlackClientError, OSError):  # connection refused, DNS, TLS, timeout
        raise SlackCheckFailed("unreachable") from None
    headers = {name.lower(): value for name, value in (response.headers or {}).items()}
    scopes = headers.get("x-oauth-scopes") or ""
    return BotIdentity(
        team_id=str(response.get("team_id") or ""),
        team_name=str(response.get("team") or ""),
        user_id=str(response.get("user_id") or ""),
        scopes=frozenset(scope.strip() for scope in str(scopes).split(",") if scope.strip()),
    )
