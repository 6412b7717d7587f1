"""Three bot processes tick the same simulated week against one throwaway PostgreSQL server
(started from the installed binaries, like the test tier), then one is SIGKILLed mid fan-out.
Figures: deliveries expected vs made, duplicates, and duplicates after the kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.app.runtime import Runtime
from bot.core.config import load_settings
from bot.core.db.engine import make_engine
from bot.core.db.migrate import upgrade
from bot.core.db.models import OutboxMessage
from bot.learning.models import LessonDelivery
from bot.people.roster import import_roster
from bot.people.workspaces import ensure_workspace
from bot.sim.process import SimProcess
from tests.postgres import fresh_database, throwaway_server

ROOT = Path(__file__).resolve().parents[1]
MONDAY = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def _world(url: str, api_url: str, agents: int) -> tuple[Runtime, dict[str, str]]:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_", "DATABASE_URL"))}
    env |= {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-multi", "SLACK_API_URL": api_url}
    runtime = Runtime(load_settings(DATABASE_URL=url))
    roster = "slack_id,name,team,role\n" + "".join(f"UM{n:05d},Agent {n},T,agent\n" for n in range(agents))
    with runtime.sessions.begin() as session:
        ensure_workspace(session, "T0MULTI", runtime.settings, MONDAY)
        assert import_roster(session, "T0MULTI", roster, MONDAY).ok
    return runtime, env


def _tick(env: dict[str, str], instant: datetime, instances: int) -> None:
    command = [sys.executable, "-m", "bot", "jobs", "tick", "--now", instant.isoformat()]
    processes = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(instances)
    ]
    for process in processes:
        process.wait(timeout=600)


def run(agents: int = 200, days: int = 7) -> dict[str, Any]:
    figures: dict[str, Any] = {"benchmark": "multi_instance", "agents": agents, "instances": 3}
    with throwaway_server() as server, SimProcess("T0MULTI", "xoxb-multi") as sim, fresh_database(server) as url:
        runtime, env = _world(url, sim.api_url, agents)
        started = time.perf_counter()
        for day in range(days):
            _tick(env, MONDAY + timedelta(days=day), 3)
        figures["week_seconds"] = round(time.perf_counter() - started, 1)
        with runtime.sessions() as session:
            figures["lessons_delivered"] = session.scalar(select(func.count()).select_from(LessonDelivery))
            figures["messages_queued"] = session.scalar(select(func.count()).select_from(OutboxMessage))
        stats = sim.stats()
        figures["lessons_expected"] = agents * sum(1 for day in range(days) if day % 7 < 5)  # from a Monday
        figures["duplicates"] = stats["messages"] - stats["distinct"]
        figures["lost"] = figures["messages_queued"] - stats["distinct"]
        runtime.stop()
    killed = SimProcess("T0MULTI", "xoxb-multi", rate=30)
    with throwaway_server() as server, killed as sim, fresh_database(server) as url:
        runtime, env = _world(url, sim.api_url, agents)
        env["COACHBOT_OUTBOX_RATE"] = "30"
        command = [sys.executable, "-m", "bot", "jobs", "tick", "--now", MONDAY.isoformat()]
        victim = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while sim.stats()["messages"] < agents and victim.poll() is None:
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        env["COACHBOT_OUTBOX_RATE"] = "200"
        _tick(env, MONDAY + timedelta(minutes=3), 2)
        stats = sim.stats()
        with runtime.sessions() as session:
            queued = session.scalar(select(func.count()).select_from(OutboxMessage))
        figures["duplicates_after_sigkill"] = stats["messages"] - stats["distinct"]
        figures["lost_after_sigkill"] = (queued or 0) - stats["distinct"]
        runtime.stop()
    return figures
