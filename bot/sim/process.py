"""The simulator in a separate process: benchmarks and fault tests keep its CPU (and its
fate) apart from the bot's. ``stats()`` reads its counters over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class SimProcess:
    def __init__(self, team: str, token: str, *, rate: float = 0, per_channel: float = 0, latency: float = 0) -> None:
        command = [sys.executable, "-m", "bot.sim", "--team", team, "--token", token]
        if rate:
            command += ["--rate", str(rate)]
        if per_channel:
            command += ["--per-channel", str(per_channel)]
        if latency:
            command += ["--latency", str(latency)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.process.stdout is not None
        self.api_url = self.process.stdout.readline().strip()

    def stats(self) -> dict[str, int]:
        """messages posted, distinct messages, rate-limited answers, calls."""
        url = self.api_url.replace("/api/", "/_sim/stats")
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback URL we started
            return dict(json.loads(response.read()))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
