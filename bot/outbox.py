"""Outbound messages: written with the change that caused them, delivered exactly once.

A message is a row keyed by ``(workspace_id, dedupe_key)``; inserting the same key twice
is a no-op, so a retried request or a re-run job never doubles a message. Senders claim
rows with one ``WITH due AS (SELECT ... FOR UPDATE SKIP LOCKED) UPDATE ... RETURNING``,
so several processes drain the same table without sending a row twice; a claim is a
lease, and a sender that dies mid-send leaves rows that another picks up after it expires.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)
# Errors that no retry can fix: the message is marked failed with the reason.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "account_inactive",
        "is_archived",
        "not_in_channel",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "invalid_auth",
        "missing_scope",
        "not_authed",
        "token_revoked",
        "cannot_dm_bot",
        "user_disabled",
    }
)


def enqueue(
    session: Session,
    *,
    workspace_id: str,
    dedupe_key: str,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    not_before: datetime | None = None,
) -> bool:
    """Add a message unless one with this key exists; True when a row was written."""
    values = {
        "workspace_id": workspace_id,
        "dedupe_key": dedupe_key,
        "method": method,
        "payload": payload,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing()
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


def post_message(
    session: Session, *, workspace_id: str, dedupe_key: str, channel: str, message: Any, now: datetime
) -> bool:
    """Queue ``chat.postMessage`` of a rendered :class:`bot.render.Message` to a channel or user id."""
    payload = {"channel": channel, **message.as_payload()}
    return enqueue(
        session, workspace_id=workspace_id, dedupe_key=dedupe_key, method="chat.postMessage", payload=payload, now=now
    )


def _claimable(now: datetime) -> Any:
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now),
    )


def claim(session: Session, *, worker: str, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Lease up to ``limit`` due rows to ``worker`` in one statement (commit afterwards)."""
    # A CTE, not a plain IN (subquery): PostgreSQL may re-run a LIMITed subquery inside
    # IN and lock more rows than asked; a CTE with FOR UPDATE is evaluated exactly once.
    due = (
        select(OutboxMessage.id)
        .where(_claimable(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(due.c.id)), _claimable(now))
        .values(
            status=OutboxStatus.SENDING,
            claimed_by=worker,
            claimed_until=now + LEASE,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    rows = list(session.scalars(statement))
    return sorted(rows, key=lambda row: (row.next_attempt_at, row.id))


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __iadd__(self, other: DrainReport) -> DrainReport:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        return self


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class OutboxSender:
    """Drains the outbox through a slack_sdk ``WebClient`` (one per workspace)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        client_for: Callable[[str], WebClient],
        batch_size: int = 100,
    ) -> None:
        self.session_factory = session_factory
        self.client_for = client_for
        self.batch_size = batch_size

    def drain(self, now: datetime, max_batches: int = 1000) -> DrainReport:
        """Send everything due at ``now``; returns what happened."""
        report = DrainReport()
        for _ in range(max_batches):
            worker = uuid.uuid4().hex
            with self.session_factory.begin() as session:
                batch = claim(session, worker=worker, now=now, limit=self.batch_size)
            if not batch:
                break
            report += self._send_batch(batch, worker, now)
        return report

    def _send_batch(self, batch: Sequence[OutboxMessage], worker: str, now: datetime) -> DrainReport:
        report = DrainReport()
        for row in batch:
            outcome = self._send_one(row)
            with self.session_factory.begin() as session:
                mine = and_(OutboxMessage.id == row.id, OutboxMessage.claimed_by == worker)
                session.execute(update(OutboxMessage).where(mine).values(**outcome.values(row, now)))
            report += outcome.report
        return report

    def _send_one(self, row: OutboxMessage) -> _Outcome:
        client = self.client_for(row.workspace_id)
        try:
            response = client.api_call(row.method, json=row.payload)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if exc.response.status_code == 429:
                retry_after = int(exc.response.headers.get("Retry-After", "1") or 1)
                return _Outcome.retry(f"ratelimited (Retry-After {retry_after}s)", timedelta(seconds=retry_after))
            if error in PERMANENT_ERRORS:
                log.warning("outbox %s failed for good: %s", row.dedupe_key, error)
                return _Outcome.failed(error)
            return _Outcome.retry(error)
        except Exception as exc:  # connection refused, timeout, TLS: all worth another try
            return _Outcome.retry(f"{type(exc).__name__}: {exc}")
        data = response.data if isinstance(response.data, dict) else {}
        return _Outcome(OutboxStatus.SENT, None, None, DrainReport(sent=1), data.get("ts"), data.get("channel"))


@dataclass
class _Outcome:
    status: OutboxStatus
    error: str | None
    delay: timedelta | None
    report: DrainReport
    ts: str | None = None
    channel: str | None = None

    @classmethod
    def retry(cls, error: str, delay: timedelta | None = None) -> _Outcome:
        return cls(OutboxStatus.PENDING, error, delay, DrainReport(retried=1))

    @classmethod
    def failed(cls, error: str) -> _Outcome:
        return cls(OutboxStatus.FAILED, error, None, DrainReport(failed=1))

    def values(self, row: OutboxMessage, now: datetime) -> dict[str, Any]:
        if self.status is OutboxStatus.SENT:
            return {
                "status": self.status,
                "slack_ts": self.ts,
                "slack_channel": self.channel,
                "sent_at": now,
                "claimed_until": None,
                "last_error": None,
            }
        if self.status is OutboxStatus.PENDING and row.attempts >= MAX_ATTEMPTS:
            self.report = DrainReport(failed=1)
            return {
                "status": OutboxStatus.FAILED,
                "last_error": f"gave up after {row.attempts} attempts: {self.error}",
                "claimed_until": None,
            }
        next_at = now + (self.delay or backoff(row.attempts))
        return {"status": self.status, "last_error": self.error, "next_attempt_at": next_at, "claimed_until": None}


def depth(session: Session) -> dict[str, int]:
    """Rows per status, for `coachbot status` and metrics."""
    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {str(status): int(count) for status, count in rows}
