"""What an operator sees: /metrics after a lesson fan-out, `coachbot status`, JSON logs with a
request id, and the Socket Mode watchdog's decisions."""

from __future__ import annotations

import io
import json
import logging
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import structlog
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin.client import SocketModeClient
from typer.testing import CliRunner

from bot.app.cli import app as cli
from bot.app.playground import Playground
from bot.app.socket_watchdog import Observation, Policy, SocketModeWatchdog, reconnect_reason
from bot.core.logging_setup import configure_logging

LESSON_TIME = datetime(2026, 3, 2, 1, 31, tzinfo=UTC)  # Monday 09:31 in Shanghai, just after lesson time
AGENTS = ("UAGENT1", "UAGENT2", "UAGENT3", "UAGENT4", "UAGENT5")


def scrape(playground: Playground) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(playground.server.url + "/metrics", timeout=10) as response:  # noqa: S310 - loopback
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_a_lesson_fan_out_and_show_the_outbox(playground: Playground) -> None:
    before = scrape(playground)
    results = playground.runtime.tick(LESSON_TIME)
    assert results["lessons"] >= len(AGENTS) and results["sent"] >= len(AGENTS)
    after = scrape(playground)
    sent = ("coachbot_messages_sent_total", ())
    assert after[sent] - before.get(sent, 0) == results["sent"]
    assert ("coachbot_messages_failed_total", ()) in after and ("coachbot_messages_retried_total", ()) in after
    assert after[("coachbot_outbox_depth", (("status", "sent"),))] >= len(AGENTS)
    assert after[("coachbot_outbox_depth", (("status", "pending"),))] == 0
    runs = ("coachbot_job_duration_seconds_count", (("job", "lessons"),))
    assert after[runs] - before.get(runs, 0) == 1
    acks = ("coachbot_ack_latency_seconds_count", ())
    playground.driver.command("UAGENT1", "streak")
    assert scrape(playground)[acks] - after.get(acks, 0) == 1


def test_status_shows_the_outbox_the_last_job_runs_and_failing_sends(playground: Playground) -> None:
    playground.sim.fail_next("chat.postMessage", error="channel_not_found", times=10)
    playground.runtime.tick(LESSON_TIME)
    result = CliRunner().invoke(cli, ["status"], env={"DATABASE_URL": playground.settings.database_url})
    assert result.exit_code == 0, result.output
    assert "Outbox" in result.output and "failed" in result.output
    assert "lessons" in result.output and "housekeeping" in result.output  # every job's last run
    assert "channel_not_found" in result.output and "lesson:" in result.output  # the failing sends' keys


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging("json", stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    structlog.reset_defaults()


def test_logs_are_json_lines_carrying_the_request_id(playground: Playground, json_logs: io.StringIO) -> None:
    playground.driver.command("UAGENT1", "streak")
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["event"] == "slack request"]
    assert access, json_logs.getvalue()
    entry = access[-1]
    assert len(entry["request_id"]) == 12 and entry["team_id"] == "T0DEMO" and entry["user_id"] == "UAGENT1"
    assert entry["status"] == "200" and entry["level"] == "info" and "timestamp" in entry


# ----- Socket Mode watchdog ------------------------------------------------------------------
POLICY = Policy(max_silence=60, grace=30, cooldown=30)


def seen(**changes: object) -> Observation:
    healthy = {
        "now": 1000.0,
        "connected": True,
        "last_pong": 995.0,
        "watching_since": 0.0,
        "disconnected_since": None,
        "last_reconnect": None,
    }
    return Observation(**(healthy | changes))  # type: ignore[arg-type]


def test_a_connection_with_recent_pongs_is_left_alone() -> None:
    assert reconnect_reason(seen(), POLICY) is None


def test_an_open_socket_without_pongs_for_a_minute_is_replaced() -> None:
    assert reconnect_reason(seen(last_pong=930.0), POLICY) == "no pong for 70 s"


def test_a_new_session_gets_time_for_its_first_pong() -> None:
    assert reconnect_reason(seen(last_pong=None, watching_since=980.0), POLICY) is None
    assert reconnect_reason(seen(last_pong=None, watching_since=900.0), POLICY) == "no pong for 100 s"


def test_a_short_disconnect_is_left_to_slack_sdk_a_long_one_is_not() -> None:
    assert reconnect_reason(seen(connected=False, disconnected_since=990.0), POLICY) is None
    assert reconnect_reason(seen(connected=False, disconnected_since=960.0), POLICY) == "disconnected for 40 s"


def test_reconnects_are_spaced_by_the_cooldown() -> None:
    assert reconnect_reason(seen(connected=False, disconnected_since=0.0, last_reconnect=990.0), POLICY) is None
    assert reconnect_reason(seen(connected=False, disconnected_since=0.0, last_reconnect=960.0), POLICY) is not None


def test_the_watchdog_asks_slack_for_a_new_connection_when_the_socket_stays_down(playground: Playground) -> None:
    """A real SocketModeClient that never connected; the reconnect reaches the simulator's Web API."""
    now = [1000.0]
    client = SocketModeClient(app_token="xapp-test", web_client=WebClient(base_url=playground.sim.api_url))
    try:
        watchdog = SocketModeWatchdog(client, POLICY, clock=lambda: now[0])
        assert watchdog.check() is None  # down, but within the grace period
        now[0] += 31
        assert watchdog.check() == "disconnected for 31 s"
        assert len(playground.sim.calls_to("apps.connections.open")) == 1
        now[0] += 10
        assert watchdog.check() is None  # cooldown
        assert len(playground.sim.calls_to("apps.connections.open")) == 1
    finally:
        client.close()
