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

from bench.world import MONDAY_0930_SHANGHAI, TOKEN, WORKSPACE, make_world
from bot.app.slack_client import make_web_client
from bot.core.db.models import OutboxMessage, OutboxStatus
from bot.sim.process import SimProcess
from jobs.lessons import dispatch_lessons

LATENCY = 0.05  # seconds per Web API round trip: loopback answers in 1 ms, Slack does not


def run(agents: int = 2000, ceiling: float = 100.0, naive_agents: int = 100, concurrency: int = 8) -> dict[str, Any]:
    world = make_world(agents, rate=ceiling, concurrency=concurrency)
    sim = SimProcess(WORKSPACE, TOKEN, rate=ceiling, per_channel=1, latency=LATENCY)
    try:
        runtime = world.runtime
        runtime.settings = runtime.settings.model_copy(update={"slack_api_url": sim.api_url})
        runtime.client = make_web_client(runtime.settings)
        context = runtime.job_context(MONDAY_0930_SHANGHAI)
        started = time.perf_counter()
        delivered = dispatch_lessons(context)
        dispatch_seconds = time.perf_counter() - started
        with runtime.sessions() as session:
            queued = int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
            sample = [
                (row.payload["channel"], row.payload.get("text", ""), row.payload.get("blocks"))
                for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id).limit(naive_agents * 3))
            ]
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
        stats = sim.stats()
        achieved = sent_rows / send_seconds if send_seconds else 0.0
        figures = {
            "benchmark": "fanout",
            "agents": agents,
            "lessons_dispatched": delivered,
            "messages": queued,
            "dispatch_seconds": round(dispatch_seconds, 2),
            "send_seconds": round(send_seconds, 2),
            "ceiling_per_second": ceiling,
            "api_latency_ms": LATENCY * 1000,
            "concurrency": concurrency,
            "achieved_per_second": round(achieved, 1),
            "achieved_over_ceiling": round(achieved / ceiling, 3),
            "duplicates": stats["messages"] - stats["distinct"],
            "lost": queued - stats["distinct"],
            "rate_limited_responses": stats["limited"],
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "retried": report.retried,
        }
    finally:
        sim.stop()
        world.close()
    naive_sim = SimProcess(WORKSPACE, TOKEN, rate=ceiling, per_channel=1, latency=LATENCY)
    try:
        naive = naive_loop(naive_sim.api_url, sample)
    finally:
        naive_sim.stop()
    figures["naive_per_second"] = naive
    figures["coachbot_over_naive"] = round(figures["achieved_per_second"] / naive, 2) if naive else None
    return figures


def naive_loop(api_url: str, messages: list[tuple[str, str, Any]]) -> float:
    """The baseline: one chat_postMessage after another, sleeping on 429 as slack_sdk's handler does."""
    if not messages:
        return 0.0
    client = WebClient(token=TOKEN, base_url=api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=10)])
    started = time.perf_counter()
    for channel, text, blocks in messages:
        client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    return round(len(messages) / (time.perf_counter() - started), 1)
