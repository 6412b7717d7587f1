"""create_app(): the Bolt App with every handler registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store import Installation

from bot.app.oauth import OAuthStores, installer_profile, oauth_settings
from bot.core.config import Settings
from bot.core.deps import Deps
from bot.core.logging_setup import ContextExecutor, bolt_request_context
from bot.core.notify import Notifier
from bot.people.use_cases import welcome_first_admin
from handlers import register_all


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


LISTENER_THREADS = 32


def create_app(deps: Deps, oauth: OAuthStores | None = None, listeners: ContextExecutor | None = None) -> App:
    """Single-workspace with SLACK_BOT_TOKEN; with ``oauth`` stores, any workspace can install."""
    settings = deps.settings
    app = App(
        client=make_web_client(settings),
        signing_secret=settings.slack_signing_secret,
        # Socket Mode has no signatures; HTTP mode always verifies them (5-minute window).
        request_verification_enabled=bool(settings.slack_signing_secret),
        token_verification_enabled=False,
        oauth_settings=oauth_settings(settings, oauth, welcome_installer(deps)) if oauth else None,
        # Carries each request's log context. Bolt runs even the ack on these threads, so a
        # burst must find one free: listeners ack first and hand slow work to the runtime's
        # work pool (handlers.request.answering); threads start only when needed.
        listener_executor=listeners or ContextExecutor(max_workers=LISTENER_THREADS),
    )
    app.use(bolt_request_context)
    register_all(app, deps)
    return app


def welcome_installer(deps: Deps) -> Callable[[Installation], None]:
    """After an OAuth install: the workspace, its installer as first admin, the welcome DM."""

    def on_installed(installation: Installation) -> None:
        if not installation.team_id:
            return  # an org-wide (Enterprise Grid) install: each workspace starts on first use
        profile = installer_profile(make_web_client(deps.settings, installation.bot_token), installation.user_id)
        notifier = Notifier(deps.renderer, deps.library, deps.now())
        with deps.sessions.begin() as session:
            welcome_first_admin(
                session,
                notifier,
                deps.settings,
                installation.team_id,
                installation.user_id,
                profile,
                how="oauth_install",
                team_name=installation.team_name or "",
            )

    return on_installed
