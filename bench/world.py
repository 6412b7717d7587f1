"""A throwaway world for benchmarks: the real runtime on a temp database, the simulator,
and a roster of N agents generated as a CSV and imported like an operator would."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.app.runtime import Runtime
from bot.core.config import load_settings
from bot.people.roster import import_roster
from bot.people.workspaces import ensure_workspace
from bot.sim.server import SlackSimulator

WORKSPACE = "T0BENCH"
TOKEN = "xoxb-bench"
MONDAY_0930_SHANGHAI = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


@dataclass
class World:
    sim: SlackSimulator
    runtime: Runtime
    directory: Path

    def close(self) -> None:
        self.runtime.stop()
        self.sim.stop()


def make_world(agents: int, *, teams: int = 1, rate: float = 100.0, concurrency: int = 8) -> World:
    directory = Path(tempfile.mkdtemp(prefix="coachbot-bench-"))
    sim = SlackSimulator(team_id=WORKSPACE, bot_token=TOKEN).start()
    settings = load_settings(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET="bench-secret",
        SLACK_API_URL=sim.api_url,
        DATABASE_URL=f"sqlite:///{directory / 'bench.db'}",
        COACHBOT_OUTBOX_RATE=rate,
        COACHBOT_OUTBOX_CONCURRENCY=concurrency,
    )
    runtime = Runtime(settings)
    lines = ["slack_id,name,team,role"]
    for team in range(teams):
        lines.append(f"ULEAD{team:05d},Lead {team},Team {team},lead")
        sim.add_user(f"ULEAD{team:05d}", f"Lead {team}")
    for n in range(agents):
        lines.append(f"UA{n:07d},Agent {n},Team {n % teams},agent")
        sim.add_user(f"UA{n:07d}", f"Agent {n}")
    with runtime.sessions.begin() as session:
        now = MONDAY_0930_SHANGHAI
        ensure_workspace(session, WORKSPACE, settings, now)
        report = import_roster(session, WORKSPACE, "\n".join(lines) + "\n", now)
        assert report.ok, report.errors[:3]
    return World(sim, runtime, directory)
