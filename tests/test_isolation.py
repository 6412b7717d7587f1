"""One deployment in OAuth mode, two installed Slack workspaces: people in workspace B never
see workspace A's members, certificates, check-ins or polls, even when the same Slack user
ids appear in both. (With one bot token, another workspace's requests get no answer at all:
tests/test_token_setup.py.)"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func, select

from bot.app.oauth import manifest_scopes
from bot.app.playground import DEMO_USERS, demo_roster_csv
from bot.app.runtime import Runtime
from bot.app.web import BackgroundServer, CoachbotWSGI
from bot.certification.register import import_register
from bot.core.config import Settings, load_settings
from bot.core.db.models import Member
from bot.core.pacing import ChannelPacer
from bot.people.roster import import_roster
from bot.people.workspaces import ensure_workspace
from bot.polls.models import QuickVote
from bot.sim.driver import SlackDriver
from bot.sim.server import SlackSimulator
from bot.wellbeing.checkins import quick_answer, record_checkin

A, B = "T0DEMO", "T0OTHER"
# Workspace B reuses two of A's Slack ids for different people, and has its own admin.
ROSTER_B = "slack_id,name,team,role,locale\nULEAD01,Bea Boss,B-Team,lead,en\nUAGENT1,Ben Bee,B-Team,agent,en\n"
ROSTER_B += "UBADMIN,Bo Admin,B-Team,admin,en\n"
REGISTER_A = (
    "证书编号,姓名,部门,认证等级,有效期至,发证日期,复评结果\nCS2025001,王芳,客服部,中级,2026-04-01,2025-04-01,\n"
)
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@dataclass
class TwoInstalls:
    """One deployment in OAuth mode that workspaces A and B both installed, each with its own token."""

    sim: SlackSimulator
    runtime: Runtime
    server: BackgroundServer
    driver: SlackDriver  # people in A

    def deliver(self) -> None:
        self.runtime.sender.drain(self.runtime.deps.now())


def install(runtime: Runtime, sim: SlackSimulator, team: str, name: str) -> None:
    token = f"xoxb-{team.lower()}-{secrets.token_hex(6)}"
    sim.team_tokens[token] = team
    assert runtime.oauth is not None
    runtime.oauth.installations.save(
        Installation(
            app_id="ACOACHBOT",
            team_id=team,
            team_name=name,
            bot_token=token,
            bot_id="BBOT",
            bot_user_id="UBOT",
            bot_scopes=manifest_scopes(),
            user_id="UADMIN1",
            installed_at=NOW.timestamp(),
        )
    )


@pytest.fixture
def playground(settings: Settings) -> Iterator[TwoInstalls]:
    sim = SlackSimulator(team_id="T0NOBODY", bot_token="xoxb-not-used").start()
    sim.scopes = manifest_scopes()
    for user in DEMO_USERS:
        sim.add_user(user.slack_id, user.name, locale=user.locale)
    secret = secrets.token_hex(16)
    oauth = load_settings(
        DATABASE_URL=settings.database_url,
        SLACK_CLIENT_ID=sim.client_id,
        SLACK_CLIENT_SECRET=sim.client_secret,
        SLACK_SIGNING_SECRET=secret,
        SLACK_API_URL=sim.api_url,
        COACHBOT_PUBLIC_URL="https://coachbot.example.com",
    )
    runtime = Runtime(oauth, clock=lambda: NOW)
    runtime.sender.pacer = ChannelPacer(per_second=1000, burst=100)
    install(runtime, sim, A, "Coachbot Demo")
    install(runtime, sim, B, "Other Co")
    with runtime.sessions.begin() as session:
        ensure_workspace(session, A, oauth, NOW, name="Coachbot Demo")
        assert import_roster(session, A, demo_roster_csv(), NOW).ok
    server = BackgroundServer(CoachbotWSGI(runtime.app, runtime.sessions)).start()
    try:
        yield TwoInstalls(sim, runtime, server, SlackDriver(server.url, secret, sim, A))
    finally:
        server.stop()
        runtime.stop()
        sim.stop()


@pytest.fixture
def b(playground: TwoInstalls) -> SlackDriver:
    """The second workspace, with its own roster, talking to the same app and database."""
    playground.sim.add_user("UBADMIN", "Bo Admin", locale="en-US")
    with playground.runtime.sessions.begin() as session:
        ensure_workspace(session, B, playground.runtime.settings, NOW, name="Other Co")
        assert import_roster(session, B, ROSTER_B, NOW).ok
        assert import_register(session, A, REGISTER_A, NOW).ok
        for slack_id in ("UAGENT1", "UAGENT2"):
            agent = session.scalar(select(Member).where(Member.workspace_id == A, Member.slack_id == slack_id))
            assert agent is not None
            answer = quick_answer("5")
            assert answer is not None
            record_checkin(session, agent, answer, date(2026, 3, 2), NOW)
    return SlackDriver(playground.server.url, playground.driver.verifier.signing_secret, playground.sim, B)


def test_members_of_a_are_strangers_in_b(playground: TwoInstalls, b: SlackDriver) -> None:
    reply = b.command("UAGENT5", "streak")  # Alex is in A's roster only
    assert "<@UBADMIN>" in reply.text and "<@UADMIN1>" not in reply.text
    team = b.command("ULEAD01", "team progress").text
    assert "王芳" not in team and "张伟" not in team and "李娜" not in team


def test_certificates_of_a_stay_in_a(playground: TwoInstalls, b: SlackDriver) -> None:
    assert "CS2025001" in playground.driver.command("UAGENT1", "cert").text
    assert "CS2025001" not in b.command("UAGENT1", "cert").text  # the same Slack id, another person
    register = b.command("ULEAD01", "cert team").text
    assert "CS2025001" not in register and "王芳" not in register


def test_checkins_of_a_stay_in_a(playground: TwoInstalls, b: SlackDriver) -> None:
    mine_in_a = playground.driver.command("UAGENT1", "checkin history").text
    mine_in_b = b.command("UAGENT1", "checkin history").text
    assert mine_in_a != mine_in_b
    assert "▇" in mine_in_a or "█" in mine_in_a or "▄" in mine_in_a
    assert not any(bar in mine_in_b for bar in "▁▂▃▄▅▆▇█")


def test_polls_of_a_cannot_be_voted_on_or_closed_from_b(playground: TwoInstalls, b: SlackDriver) -> None:
    created = playground.driver.command("UAGENT5", 'poll "Lunch?" "Noodles" "Rice"')
    assert "#1" in created.text
    playground.deliver()
    post = next(m for m in reversed(playground.sim.messages) if "poll_vote" in json.dumps(m.blocks))
    poll_block = next(block for block in post.blocks if block.get("block_id", "").startswith("poll-"))
    poll_id = poll_block["block_id"].split("-")[1]
    b.click("UAGENT1", post, "poll_vote", f"{poll_id}:0")
    b.click("ULEAD01", post, "poll_close")
    with playground.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(QuickVote)) == 0
    assert "Lunch?" in "\n".join(m.text for m in playground.sim.messages if m.channel == post.channel)
    still_open = playground.driver.click("UAGENT2", post, "poll_vote", f"{poll_id}:1")
    assert "closed" not in still_open.text
    with playground.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(QuickVote)) == 1
