"""The playground: the real app, served over HTTP, talking to the built-in simulator,
with a demo workspace, so anyone can try Coachbot without a Slack workspace."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.app.oauth import manifest_scopes
from bot.app.runtime import Runtime
from bot.app.web import BackgroundServer, CoachbotWSGI
from bot.core.clock import TravelClock
from bot.core.config import Settings
from bot.core.db.models import Member, Role
from bot.core.pacing import ChannelPacer, TokenBucket
from bot.people.roster import import_roster
from bot.people.workspaces import ensure_workspace
from bot.sim.driver import SlackDriver
from bot.sim.server import SlackSimulator

DEMO_WORKSPACE = "T0DEMO"
PLAYGROUND_TOKEN = "xoxb-playground"  # noqa: S105 - only the simulator accepts it


@dataclass(frozen=True)
class DemoUser:
    slack_id: str
    name: str
    role: Role
    team: str = "售后一组"
    locale: str = "zh-CN"


DEMO_USERS = (
    DemoUser("ULEAD01", "李娜", Role.LEAD),
    DemoUser("UAGENT1", "王芳", Role.AGENT),
    DemoUser("UAGENT2", "张伟", Role.AGENT),
    DemoUser("UAGENT3", "刘洋", Role.AGENT),
    DemoUser("UAGENT4", "陈静", Role.AGENT),
    DemoUser("UAGENT5", "Alex Chen", Role.AGENT, locale="en"),
    DemoUser("UHR0001", "赵敏", Role.HR, team="人力资源"),
    DemoUser("UADMIN1", "Sam Admin", Role.ADMIN, team="人力资源", locale="en"),
)


def demo_roster_csv() -> str:
    lines = ["slack_id,name,team,role,locale"]
    lines += [f"{u.slack_id},{u.name},{u.team},{u.role.value},{u.locale}" for u in DEMO_USERS]
    return "\n".join(lines) + "\n"


class Playground:
    """Simulator + app server + driver, wired together; a context manager."""

    def __init__(self, settings: Settings, *, start: datetime | None = None) -> None:
        self.sim = SlackSimulator(team_id=DEMO_WORKSPACE, bot_token=PLAYGROUND_TOKEN, team_name="Coachbot Demo").start()
        self.sim.scopes = manifest_scopes()  # installed from the current manifest
        for user in DEMO_USERS:
            self.sim.add_user(user.slack_id, user.name, locale=user.locale)
        secret = secrets.token_hex(16)
        self.settings = settings.model_copy(
            update={
                "slack_bot_token": PLAYGROUND_TOKEN,
                "slack_signing_secret": secret,
                "slack_app_token": None,
                "slack_api_url": self.sim.api_url,
            }
        )
        self.runtime = Runtime(self.settings, clock=TravelClock(start))
        # The playground's simulator has no per-channel limit, and `tick` time-travels days in
        # seconds: Slack's pacing (a message a second per channel, the workspace's
        # COACHBOT_OUTBOX_RATE) would only make the demo wait. Pacing has its own tests.
        self.runtime.sender.pacer = ChannelPacer(per_second=1000, burst=100)
        self.runtime.sender.bucket = TokenBucket(1000)
        self.runtime.warm_up()
        self.server = BackgroundServer(CoachbotWSGI(self.runtime.app, self.runtime.sessions)).start()
        self.driver = SlackDriver(self.server.url, secret, self.sim, DEMO_WORKSPACE, answering=self.runtime.answering)
        self.seed()

    def seed(self) -> None:
        """Create the demo workspace and roster once: a restart keeps what people changed."""
        with self.runtime.sessions.begin() as session:
            now = self.runtime.deps.now()
            ensure_workspace(session, DEMO_WORKSPACE, self.settings, now, name="Coachbot Demo")
            if session.scalar(select(Member.id).where(Member.workspace_id == DEMO_WORKSPACE).limit(1)) is None:
                report = import_roster(session, DEMO_WORKSPACE, demo_roster_csv(), now)
                assert report.ok, report.errors

    def deliver(self) -> None:
        self.runtime.sender.drain(self.runtime.deps.now())

    def close(self) -> None:
        self.server.stop()
        self.runtime.stop()
        self.sim.stop()

    def __enter__(self) -> Playground:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
