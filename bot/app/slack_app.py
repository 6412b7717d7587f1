"""create_app(): the Bolt App with every handler registered."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App
from slack_sdk.oauth.installation_store import Installation

from bot.app.oauth import OAuthStores, installer_profile, oauth_settings
from bot.app.slack_client import make_web_client
from bot.core.deps import Deps
from bot.core.logging_setup import ContextExecutor, bolt_request_context
from bot.core.notify import Notifier
from bot.people.use_cases import welcome_first_admin
from handlers import register_all


def create_app(deps: Deps, oauth: OAuthStores | None, listeners: ContextExecutor) -> App:
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
        listener_executor=listeners,
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
        notifier = Notifier(deps.renderer, deps.content, deps.now())
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
