"""Multi-workspace OAuth mode through the simulator: /slack/install issues a state (and its
browser cookie), the redirect with Slack's code stores the workspace's own bot token, and a
wrong, replayed or expired state is refused."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import select, text

from bot.app.oauth import manifest_scopes
from bot.app.runtime import Runtime
from bot.app.web import BackgroundServer, CoachbotWSGI
from bot.core.config import SettingsError, load_settings
from bot.core.db.models import Member, Role
from bot.core.db.ops import BOTS_TABLE
from bot.sim.driver import SlackDriver, block_text
from bot.sim.server import SlackSimulator

TEAM, INSTALLER = "T0ACME1", "UINST01"
COOKIE = "slack-app-oauth-state"


@dataclass
class OAuthWorld:
    sim: SlackSimulator
    runtime: Runtime
    server: BackgroundServer
    secret: str

    def driver(self, team: str) -> SlackDriver:
        return SlackDriver(self.server.url, self.secret, self.sim, team)

    def start_install(self) -> str:
        """A browser opens /slack/install: the page links to Slack with a state, also set as a cookie."""
        status, headers, body = self.driver(TEAM).get("/slack/install")
        assert status == 200
        state = SimpleCookie(headers["Set-Cookie"])[COOKIE].value
        link = next(part for part in body.split('"') if part.startswith("https://slack.com/oauth/v2/authorize"))
        query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
        assert query["state"] == [state] and query["client_id"] == [self.sim.client_id]
        assert query["scope"] == [",".join(manifest_scopes())]
        return state

    def finish_install(self, state: str, *, cookie: str | None = None, team: str = TEAM) -> tuple[int, str]:
        code = self.sim.approve_install(team, INSTALLER)
        headers = {"Cookie": f"{COOKIE}={cookie if cookie is not None else state}"}
        status, _, body = self.driver(team).get(
            "/slack/oauth_redirect?" + urlencode({"code": code, "state": state}), headers=headers
        )
        return status, body

    def bot_token(self, team: str) -> str | None:
        assert self.runtime.oauth is not None
        bot = self.runtime.oauth.installations.find_bot(enterprise_id=None, team_id=team)
        return bot.bot_token if bot else None


@contextmanager
def oauth_world(tmp_path: Path, **extra: str) -> Iterator[OAuthWorld]:
    sim = SlackSimulator(team_id="T0NOBODY", bot_token="xoxb-not-used").start()
    sim.add_user(INSTALLER, "Ivy Installer", locale="en-US", is_admin=True)
    secret = secrets.token_hex(16)
    settings = load_settings(
        DATABASE_URL=f"sqlite:///{tmp_path / 'oauth.db'}",
        SLACK_CLIENT_ID=sim.client_id,
        SLACK_CLIENT_SECRET=sim.client_secret,
        SLACK_SIGNING_SECRET=secret,
        SLACK_API_URL=sim.api_url,
        COACHBOT_PUBLIC_URL="https://coachbot.example.com",
        **extra,
    )
    assert settings.oauth_enabled and not settings.slack_bot_token
    runtime = Runtime(settings)
    server = BackgroundServer(CoachbotWSGI(runtime.app, runtime.sessions)).start()
    try:
        yield OAuthWorld(sim, runtime, server, secret)
    finally:
        server.stop()
        runtime.stop()
        sim.stop()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[OAuthWorld]:
    with oauth_world(tmp_path) as built:
        yield built


def test_stored_bot_tokens_are_sealed_and_a_key_rotation_still_opens_them(tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with oauth_world(tmp_path, COACHBOT_TOKEN_KEYS=old_key) as world:
        world.finish_install(world.start_install())
        token = world.bot_token(TEAM)
        assert token is not None and token.startswith("xoxb-")
        with world.runtime.engine.connect() as connection:
            stored = connection.execute(text(f"SELECT bot_token FROM {BOTS_TABLE}")).scalars().all()  # noqa: S608
        assert stored and all(t.startswith("gAAAAA") and token not in t for t in stored)
        world.runtime.tick()  # the outbox opens the sealed token to send the welcome
        assert [m for m in world.sim.messages_for(INSTALLER) if "Welcome to Coachbot" in m.text]
    with oauth_world(tmp_path, COACHBOT_TOKEN_KEYS=f"{new_key},{old_key}") as rotated:
        assert rotated.bot_token(TEAM) == token


def test_an_install_stores_the_workspaces_own_token_and_welcomes_the_installer(world: OAuthWorld) -> None:
    status, page = world.finish_install(world.start_install())
    assert status == 200 and "Thank you!" in page
    token = world.bot_token(TEAM)
    assert token is not None and token in world.sim.team_tokens and world.sim.team_tokens[token] == TEAM
    with world.runtime.sessions() as session:
        installer = session.scalar(select(Member).where(Member.workspace_id == TEAM))
        assert installer is not None and (installer.slack_id, installer.role) == (INSTALLER, Role.ADMIN)
        assert installer.name == "Ivy Installer"
    world.runtime.tick()  # the outbox sends with the token the install stored
    welcome = [m for m in world.sim.messages_for(INSTALLER) if "Welcome to Coachbot" in m.text]
    assert len(welcome) == 1 and "Load your roster" in "\n".join(block_text(b) for b in welcome[0].blocks)


def test_requests_from_an_installed_workspace_are_authorized_with_its_token(world: OAuthWorld) -> None:
    world.finish_install(world.start_install())
    reply = world.driver(TEAM).command(INSTALLER, "settings workspace", wait=0)
    assert reply.status == 200
    assert world.sim.wait_for(lambda: bool(world.sim.opened_views))
    assert world.sim.opened_views[-1]["callback_id"] == "workspace_settings"


def test_a_workspace_that_never_installed_gets_no_answer(world: OAuthWorld) -> None:
    reply = world.driver("T0STRANGER").command(INSTALLER, "help", wait=0)
    assert "Welcome" not in reply.text and "/coach" not in reply.text
    assert world.sim.messages == []


def test_a_forged_state_is_refused_and_nothing_is_stored(world: OAuthWorld) -> None:
    world.start_install()
    status, _ = world.finish_install("forged-state")
    assert status == 401
    assert world.bot_token(TEAM) is None


def test_a_state_from_another_browser_is_refused(world: OAuthWorld) -> None:
    state = world.start_install()
    status, _ = world.finish_install(state, cookie="someone-elses-state")
    assert status == 400
    assert world.bot_token(TEAM) is None


def test_a_state_works_once(world: OAuthWorld) -> None:
    state = world.start_install()
    assert world.finish_install(state)[0] == 200
    assert world.finish_install(state, team="T0REPLAY")[0] == 401
    assert world.bot_token("T0REPLAY") is None


def test_an_expired_state_is_refused(world: OAuthWorld) -> None:
    stale = SQLAlchemyOAuthStateStore(expiration_seconds=-1, engine=world.runtime.engine).issue()
    status, _ = world.finish_install(stale)
    assert status == 401
    assert world.bot_token(TEAM) is None


def test_oauth_mode_needs_both_credentials_and_no_bot_token() -> None:
    with pytest.raises(SettingsError, match="SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: set both"):
        load_settings(SLACK_CLIENT_ID="1.2")
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN: unset it in OAuth mode"):
        load_settings(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s", SLACK_BOT_TOKEN="xoxb-1")
    with pytest.raises(SettingsError, match="COACHBOT_PUBLIC_URL: must be the https:// address"):
        load_settings(COACHBOT_PUBLIC_URL="coachbot.example.com")
    oauth = load_settings(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s", COACHBOT_PUBLIC_URL="https://x.example/")
    assert oauth.oauth_enabled and oauth.can_deliver and oauth.public_url == "https://x.example"
    assert not load_settings().oauth_enabled
