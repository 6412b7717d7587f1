"""Benchmarks at a tiny size: they run, deliver everything exactly once, and print figures.
The figures themselves come from `make bench`; nothing here asserts a timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import fanout, latency, queries


def test_fanout_delivers_every_message_once_under_rate_limits() -> None:
    figures = fanout.run(agents=12, ceiling=50.0, naive_agents=2)
    assert figures["lessons_dispatched"] == 12 and figures["messages"] >= 24
    assert figures["duplicates"] == 0 and figures["lost"] == 0
    assert figures["achieved_per_second"] > 0 and figures["max_rss_mb"] > 0


def test_team_views_use_a_constant_number_of_statements() -> None:
    figures = queries.team_views((3, 12))
    assert figures["team_progress_3_statements"] == figures["team_progress_12_statements"]
    assert figures["cert_team_3_statements"] == figures["cert_team_12_statements"] <= 3  # BEGIN + count + page


def test_expiry_scan_uses_its_index() -> None:
    assert queries.expiry_scan(300)["uses_index"] is True


def test_bench_prints_one_json_line_per_benchmark() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "latency", "--small"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=300,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["benchmark"] == "ack_latency" and figures["clicks"] == 40 and figures["p99_ratio"] > 0
    assert figures["answers_recorded"] == 40 + latency.WARM_UP_CLICKS
