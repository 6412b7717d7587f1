"""Multi-workspace OAuth mode: `/slack/install`, `/slack/oauth_redirect`, one bot token per workspace.

Chosen when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set instead of SLACK_BOT_TOKEN.
Installations and one-time OAuth states live in slack_sdk's SQLAlchemy stores, in the
bot's own database (tables from migration 0006), so any instance can finish an install
another one started and every instance finds every workspace's token.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from bot.app.sealed_tokens import SealedInstallationStore, key_ring
from bot.core import redaction
from bot.core.config import Settings
from bot.core.content.library import CONTENT_DIR
from bot.core.db.ops import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

log = logging.getLogger(__name__)

MANIFEST = CONTENT_DIR / "manifest.yml"  # the repository's manifest.yml links to it
STATE_EXPIRATION_SECONDS = 600  # the installer has ten minutes to approve on slack.com
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
TOKEN_CACHE_SECONDS = 60.0  # a reinstall's new token is picked up within a minute


def manifest_scopes(path: Path = MANIFEST) -> list[str]:
    """The bot scopes manifest.yml requests: the one list of scopes, for installs too."""
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [str(scope) for scope in manifest["oauth_config"]["scopes"]["bot"]]


def requested_scopes(settings: Settings) -> list[str]:
    if settings.slack_scopes:
        return [scope.strip() for scope in settings.slack_scopes.split(",") if scope.strip()]
    return manifest_scopes()


@dataclass(frozen=True)
class OAuthStores:
    installations: SQLAlchemyInstallationStore
    states: SQLAlchemyOAuthStateStore


def make_stores(settings: Settings, engine: Engine) -> OAuthStores:
    assert settings.slack_client_id, "OAuth stores need SLACK_CLIENT_ID"
    redaction.install([settings.slack_client_secret])  # per-workspace xoxb- tokens are scrubbed by shape
    if engine.dialect.name == "sqlite":
        # Our SQLite engine takes the write lock at BEGIN; the outbox asks for a token while a
        # job holds it, so the stores read through plain connections (WAL: readers never wait).
        engine = create_engine(settings.database_url, connect_args={"timeout": 10}, poolclass=NullPool)
    if settings.token_keys:
        installations: SQLAlchemyInstallationStore = SealedInstallationStore(
            ring=key_ring(settings.token_keys),
            client_id=settings.slack_client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
    else:
        log.warning("COACHBOT_TOKEN_KEYS is not set: installed bot tokens are stored unencrypted")
        installations = SQLAlchemyInstallationStore(
            client_id=settings.slack_client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
    return OAuthStores(
        installations=installations,
        states=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine, table_name=OAUTH_STATES_TABLE
        ),
    )


def oauth_settings(
    settings: Settings, stores: OAuthStores, on_installed: Callable[[Installation], None]
) -> OAuthSettings:
    """Bolt's OAuth flow with our stores; ``on_installed`` runs after the token is stored."""

    def success(args: SuccessArgs) -> BoltResponse:
        try:
            on_installed(args.installation)
        except Exception:
            # The install itself worked and is stored; the welcome can be retried from /coach.
            log.exception("after-install step failed for team %s", args.installation.team_id)
        return args.default.success(args)

    def failure(args: FailureArgs) -> BoltResponse:
        log.warning("Slack install refused: %s", args.reason)
        return args.default.failure(args)

    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=requested_scopes(settings),
        installation_store=stores.installations,
        state_store=stores.states,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        redirect_uri=f"{settings.public_url}{REDIRECT_PATH}" if settings.public_url else None,
        callback_options=CallbackOptions(success=success, failure=failure),
    )


class BotTokens:
    """The bot token of each installed workspace, briefly cached (the outbox asks once per row)."""

    def __init__(self, stores: OAuthStores) -> None:
        self.stores = stores
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def token_for(self, workspace_id: str) -> str | None:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(workspace_id)
            if cached and now - cached[0] < TOKEN_CACHE_SECONDS:
                return cached[1]
        bot = self.stores.installations.find_bot(enterprise_id=None, team_id=workspace_id)
        token = bot.bot_token if bot is not None else None
        if token is None:
            log.warning("no installation for workspace %s; its messages cannot be sent", workspace_id)
        with self._lock:
            self._cache[workspace_id] = (now, token)
        return token


def installer_profile(client: Any, user_id: str) -> dict[str, Any]:
    """users.info for the installer; an empty profile if Slack says no (the roster can name them later)."""
    try:
        user = client.users_info(user=user_id, include_locale=True).get("user") or {}
    except Exception as error:
        log.info("users.info for installer %s failed: %s", user_id, error)
        return {}
    return user if isinstance(user, dict) else {}
