"""Prometheus metrics: what `/metrics` exposes.

Counters and histograms live in one process-wide registry. The outbox depth is read
from the database when Prometheus scrapes, so it is right whichever instance sent what.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db.models import OutboxStatus
from bot.core.outbox import depth

REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES_SENT = Counter("coachbot_messages_sent", "Outbox rows Slack accepted.", registry=REGISTRY)
MESSAGES_RETRIED = Counter("coachbot_messages_retried", "Outbox sends put back for a retry.", registry=REGISTRY)
MESSAGES_FAILED = Counter(
    "coachbot_messages_failed", "Outbox rows that gave up (kept with Slack's reason).", registry=REGISTRY
)
SENDER_ERRORS = Counter(
    "coachbot_sender_errors",
    "Unexpected errors inside the outbox sender (logged; the row is retried).",
    registry=REGISTRY,
)
JOB_DURATION = Histogram(
    "coachbot_job_duration_seconds",
    "How long each scheduled job took per tick.",
    ["job"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
JOB_FAILURES = Counter(
    "coachbot_job_failures", "Scheduled jobs that raised (logged; run again next tick).", ["job"], registry=REGISTRY
)
JOB_ITEM_FAILURES = Counter(
    "coachbot_job_item_failures",
    "Items of a job (a person, a certificate, a poll) that raised; the others went on, the item is retried next tick.",
    ["job"],
    registry=REGISTRY,
)
SOCKET_RECONNECTS = Counter(
    "coachbot_socket_reconnects", "Socket Mode connections the watchdog replaced.", registry=REGISTRY
)
ACK_LATENCY = Histogram(
    "coachbot_ack_latency_seconds",
    "Time from receiving a Slack request to answering it (Slack allows 3 s).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5),
    registry=REGISTRY,
)


class DrainResult(Protocol):
    """bot.core.outbox.DrainReport's counts."""

    sent: int
    retried: int
    failed: int
    errors: int


def record_drain(report: DrainResult) -> None:
    MESSAGES_SENT.inc(report.sent)
    MESSAGES_RETRIED.inc(report.retried)
    MESSAGES_FAILED.inc(report.failed)
    SENDER_ERRORS.inc(report.errors)


class OutboxDepthCollector(Collector):
    """`coachbot_outbox_depth{status=...}`, counted at scrape time."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterable[Metric]:
        gauge = GaugeMetricFamily("coachbot_outbox_depth", "Outbox rows per status.", labels=["status"])
        with self.sessions() as session:
            counts = depth(session)
        for status in OutboxStatus:
            gauge.add_metric([status.value], counts.get(status.value, 0))
        yield gauge


def exposition(sessions: sessionmaker[Session]) -> bytes:
    """The text format for one scrape: process-wide metrics plus this database's outbox depth."""
    database = CollectorRegistry(auto_describe=False)
    database.register(OutboxDepthCollector(sessions))
    return generate_latest(REGISTRY) + generate_latest(database)
