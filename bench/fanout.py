"""Daily lessons for N agents in one tick, against a simulator that enforces Slack-like
rate limits; compared with a naive loop of chat_postMessage calls using slack_sdk's
rate-limit retry handler."""

from __future__ import annotations

import resource
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import func, select

from bench.world import MONDAY_0930_SHANGHAI, TOKEN, make_world
from bot.db.models import OutboxMessage, OutboxStatus
from bot.sim.ratelimit import RateLimiter


def run(agents: int = 2000, ceiling: float = 100.0, naive_agents: int = 100) -> dict[str, Any]:
    world = make_world(agents, rate=ceiling)
    try:
        runtime, sim = world.runtime, world.sim
        sim.rate_limiter = RateLimiter({"chat.postMessage": ceiling}, per_channel_per_second=1.0)
        context = runtime.job_context(MONDAY_0930_SHANGHAI)
        started = time.perf_counter()
        from jobs.lessons import dispatch_lessons

        delivered = dispatch_lessons(context)
        dispatch_seconds = time.perf_counter() - started
        with runtime.sessions() as session:
            queued = int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
        started = time.perf_counter()
        report = runtime.sender.drain(MONDAY_0930_SHANGHAI)
        send_seconds = time.perf_counter() - started
        with runtime.sessions() as session:
            sent_rows = int(
                session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT)
                )
                or 0
            )
        posted = len(sim.messages)
        achieved = sent_rows / send_seconds if send_seconds else 0.0
        naive = naive_loop(
            sim.api_url, [(m.channel, m.text, m.blocks) for m in sim.messages[: naive_agents * 3]], ceiling, sim
        )
        return {
            "benchmark": "fanout",
            "agents": agents,
            "lessons_dispatched": delivered,
            "messages": queued,
            "dispatch_seconds": round(dispatch_seconds, 2),
            "send_seconds": round(send_seconds, 2),
            "ceiling_per_second": ceiling,
            "achieved_per_second": round(achieved, 1),
            "achieved_over_ceiling": round(achieved / ceiling, 3),
            "duplicates": posted - sent_rows,
            "lost": queued - sent_rows,
            "rate_limited_responses": sim.rate_limiter.limited if sim.rate_limiter else 0,
            "naive_per_second": naive,
            "coachbot_over_naive": round(achieved / naive, 2) if naive else None,
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "retried": report.retried,
        }
    finally:
        world.close()


def naive_loop(api_url: str, messages: list[tuple[str, str, Any]], ceiling: float, sim: Any) -> float:
    """The baseline: one chat_postMessage after another, sleeping on 429 as slack_sdk's handler does."""
    if not messages:
        return 0.0
    sim.rate_limiter = RateLimiter({"chat.postMessage": ceiling}, per_channel_per_second=1.0)
    client = WebClient(token=TOKEN, base_url=api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=10)])
    started = time.perf_counter()
    for channel, text, blocks in messages:
        client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    return round(len(messages) / (time.perf_counter() - started), 1)
