"""`python -m bot.sim`: the simulator as its own process (benchmarks keep its CPU apart from the bot's)."""

from __future__ import annotations

import argparse
import threading

from bot.sim.ratelimit import RateLimiter
from bot.sim.server import SlackSimulator


def main() -> None:
    parser = argparse.ArgumentParser(description="A local Slack Web API simulator on loopback.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--team", default="T0DEMO")
    parser.add_argument("--token", default="xoxb-playground")
    parser.add_argument("--rate", type=float, default=0, help="chat.postMessage per second, workspace-wide (0: none)")
    parser.add_argument("--per-channel", type=float, default=0, help="messages per second per channel (0: none)")
    parser.add_argument("--latency", type=float, default=0, help="seconds before each Web API answer")
    args = parser.parse_args()
    sim = SlackSimulator(team_id=args.team, bot_token=args.token)
    sim.accept_any_user = True
    sim.latency = args.latency
    if args.rate or args.per_channel:
        sim.rate_limiter = RateLimiter(
            {"chat.postMessage": args.rate} if args.rate else {}, per_channel_per_second=args.per_channel or None
        )
    sim.start(args.port)
    print(sim.api_url, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
