"""The container's steps, run here as compose runs them (no Docker daemon in the test
machine): migrations once against PostgreSQL, then `coachbot serve` answering the image's
health check."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bot.sim.server import SlackSimulator
from tests.postgres import fresh_database

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthcheck_command() -> list[str]:
    """The Dockerfile's HEALTHCHECK, exactly as the image runs it."""
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if 'CMD ["python"' in line)
    return list(yaml.safe_load(line.split("CMD", 1)[1]))


def test_compose_migrates_once_then_serves_with_a_passing_health_check(server_url: str, tmp_path: Path) -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["coachbot"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER coachbot$", dockerfile, re.M), "the image runs as a non-root user"
    serve = yaml.safe_load(dockerfile.rsplit("CMD", 1)[1])
    sim = SlackSimulator(team_id="T0BOX", bot_token="xoxb-box").start()
    port = free_port()
    with fresh_database(server_url) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_", "DATABASE_URL"))}
        env |= {
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-box",
            "SLACK_SIGNING_SECRET": "box-secret",
            "SLACK_API_URL": sim.api_url,
            "PORT": str(port),
        }
        coachbot = [sys.executable, "-m", "bot"]
        migrate = services["migrate"]["command"]
        assert migrate[0] == "coachbot"
        done = subprocess.run(
            [*coachbot, *migrate[1:]], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        again = subprocess.run(
            [*coachbot, *migrate[1:]], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert again.returncode == 0, "a second run of the migrations is harmless"
        server = subprocess.Popen(
            [*coachbot, *serve[1:]], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            check = healthcheck_command()
            deadline = time.monotonic() + 60
            while True:
                probe = subprocess.run(check, env=env, capture_output=True, timeout=10, check=False)
                if probe.returncode == 0 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert probe.returncode == 0, probe.stderr
        finally:
            server.terminate()
            server.wait(timeout=20)
            sim.stop()
