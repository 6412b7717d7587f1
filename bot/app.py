"""create_app(): the Bolt App with every handler registered."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.config import Settings
from bot.deps import Deps
from handlers import register_all


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A real slack_sdk client aimed at SLACK_API_URL, retrying connection errors and 429s."""
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=1)],
    )


def create_app(deps: Deps) -> App:
    settings = deps.settings
    app = App(
        client=make_web_client(settings),
        signing_secret=settings.slack_signing_secret,
        # Socket Mode has no signatures; HTTP mode always verifies them (5-minute window).
        request_verification_enabled=bool(settings.slack_signing_secret),
        token_verification_enabled=False,
    )
    register_all(app, deps)
    return app
