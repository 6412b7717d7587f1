"""Outbound messages: written with the change that caused them, delivered exactly once.

A message is a row keyed by ``(workspace_id, dedupe_key)``; inserting the same key twice
is a no-op, so a retried request or a re-run job never doubles a message. Senders claim
rows with one ``WITH due AS (SELECT ... FOR UPDATE SKIP LOCKED) UPDATE ... RETURNING``,
so several processes drain the same table without sending a row twice; a claim is a
lease, and a sender that dies mid-send leaves rows that another picks up after it expires.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import and_, event, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db.models import OutboxMessage, OutboxStatus
from bot.core.pacing import ChannelPacer, TokenBucket

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


_QUEUED = "coachbot.outbox_queued"


def wake_after_commit(sessions: sessionmaker[Session], wake: Callable[[], None]) -> None:
    """Call ``wake`` after every commit that queued a message, so whoever queues one
    (a listener, a job, the CLI) never has to remember to tell the sender."""

    @event.listens_for(sessions, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop(_QUEUED, False):
            wake()

    @event.listens_for(sessions, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_QUEUED, None)


UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def cancel_unsent(
    session: Session,
    workspace_id: str,
    reason: str,
    *,
    channel: str | None = None,
    statuses: tuple[OutboxStatus, ...] = UNSENT,
) -> int:
    """Fail the workspace's messages not yet sent (only those to ``channel`` if given) with
    ``reason`` as their error; how many were cancelled."""
    where = [OutboxMessage.workspace_id == workspace_id, OutboxMessage.status.in_(statuses)]
    if channel is not None:
        where.append(OutboxMessage.payload["channel"].as_string() == channel)
    cancelled = session.execute(
        update(OutboxMessage)
        .where(*where)
        .values(status=OutboxStatus.FAILED, last_error=reason, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(cancelled, "rowcount", 0) or 0)


def pending_count(session: Session) -> int:
    """Messages still waiting to be sent (due now or later), across workspaces."""
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    return int(session.scalar(query) or 0)


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
    written = bool(getattr(result, "rowcount", 0))
    if written:
        session.info[_QUEUED] = True
    return written


def post_message(
    session: Session, *, workspace_id: str, dedupe_key: str, channel: str, message: Any, now: datetime
) -> bool:
    """Queue ``chat.postMessage`` of a rendered :class:`bot.core.render.Message` to a channel or user id."""
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
    errors: int = 0  # unexpected errors in the sender itself (logged; the row is retried)

    def __iadd__(self, other: DrainReport) -> DrainReport:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.errors += other.errors
        return self


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


# A short Retry-After is waited out in the sender; a long one goes back to the database so
# the claim's lease never runs out.
IN_PROCESS_RETRY_LIMIT = 15.0
# Outcomes are written in small batches; a crash can at worst resend the unflushed ones.
FLUSH_EVERY = 50
FLUSH_SECONDS = 0.5


class OutboxSender:
    """Drains the outbox through slack_sdk ``WebClient``s (one per workspace token).

    Bounded concurrency: ``concurrency`` threads send at once, paced by one shared
    :class:`~bot.core.pacing.TokenBucket` and by per-channel spacing; the messages of one
    channel go out in the order they were queued.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        client_for: Callable[[str], WebClient],
        batch_size: int = 500,
        *,
        rate: float = 50.0,
        concurrency: int = 8,
        pacer: ChannelPacer | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.client_for = client_for
        self.batch_size = batch_size
        self.bucket = TokenBucket(rate)
        self.concurrency = max(1, concurrency)
        self.pacer = pacer or ChannelPacer()
        self._clients: dict[int, WebClient] = {}
        self._clients_lock = threading.Lock()

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

    def _client(self, workspace_id: str) -> WebClient:
        """The workspace's client without its 429 retry handler: the bucket handles rate limits for all threads."""
        base = self.client_for(workspace_id)
        with self._clients_lock:
            client = self._clients.get(id(base))
            if client is None:
                handlers = [h for h in base.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)]
                client = WebClient(
                    token=base.token, base_url=base.base_url, timeout=base.timeout, retry_handlers=handlers
                )
                self._clients[id(base)] = client
            return client

    def _send_batch(self, batch: Sequence[OutboxMessage], worker: str, now: datetime) -> DrainReport:
        report = DrainReport()
        lanes: dict[str, deque[OutboxMessage]] = {}
        for row in batch:  # one lane per channel keeps each conversation in order
            lanes.setdefault(_lane(row), deque()).append(row)
        heap = [(0.0, seq, lane) for seq, lane in enumerate(lanes)]
        heapq.heapify(heap)
        sequence = len(heap)
        ready = threading.Condition()
        in_flight = 0

        finished: list[tuple[OutboxMessage, _Outcome]] = []

        def flush() -> None:
            """Record outcomes in one transaction: per-row commits would cap the rate far below Slack's."""
            with ready:
                done, finished[:] = list(finished), []
            if not done:
                return
            with self.session_factory.begin() as session:
                for row, outcome in done:
                    mine = and_(OutboxMessage.id == row.id, OutboxMessage.claimed_by == worker)
                    session.execute(update(OutboxMessage).where(mine).values(**outcome.values(row, now)))

        def run(lane: str) -> None:
            nonlocal in_flight, sequence, report
            row = lanes[lane][0]
            try:
                outcome = self._send_one(row)
            except Exception as exc:  # a bug reading Slack's answer must not stall the batch
                log.exception("outbox %s: unexpected error while sending", row.dedupe_key)
                outcome = _Outcome.retry(f"{type(exc).__name__}: {exc}")
                outcome.report.errors = 1
            delay = outcome.delay.total_seconds() if outcome.delay else 0.0
            retry_here = outcome.rate_limited and delay <= IN_PROCESS_RETRY_LIMIT
            if retry_here:
                self.bucket.penalize(delay)
                next_at = time.monotonic() + delay
            else:
                if outcome.status is OutboxStatus.SENT:
                    self.bucket.reward()
                next_at = 0.0
            with ready:
                if not retry_here:
                    lanes[lane].popleft()
                    finished.append((row, outcome))
                    report += outcome.report
                if lanes[lane]:
                    heapq.heappush(heap, (next_at, sequence, lane))
                    sequence += 1
                in_flight -= 1
                ready.notify_all()

        started = last_flush = time.monotonic()
        done_sending = threading.Event()

        def renew_leases() -> None:
            """Keep this batch's unsent rows claimed while pacing spreads them out (one channel
            at one message a second holds a 500-row claim for minutes): a lease that ran out
            under a row still waiting here would let another drain send it a second time."""
            while not done_sending.wait(LEASE.total_seconds() / 4):
                until = now + timedelta(seconds=time.monotonic() - started) + LEASE
                mine = and_(OutboxMessage.claimed_by == worker, OutboxMessage.status == OutboxStatus.SENDING)
                try:
                    with self.session_factory.begin() as session:
                        session.execute(update(OutboxMessage).where(mine).values(claimed_until=until))
                except Exception:  # the database is busy: the next renewal tries again
                    log.warning("could not renew the outbox lease of %s", worker, exc_info=True)

        renewer = threading.Thread(target=renew_leases, name="outbox-lease", daemon=True)
        renewer.start()
        # Outcomes are written on their own thread so the dispatcher never stops handing out sends.
        with (
            ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="outbox") as pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-flush") as writer,
        ):
            while True:
                if len(finished) >= FLUSH_EVERY or (finished and time.monotonic() - last_flush > FLUSH_SECONDS):
                    writer.submit(flush)
                    last_flush = time.monotonic()
                with ready:
                    lane = ""
                    while not lane:
                        if not heap and in_flight == 0:
                            break
                        if heap and heap[0][0] <= time.monotonic() and in_flight < self.concurrency:
                            _, _, candidate = heapq.heappop(heap)
                            paced = lanes[candidate][0].method == "chat.postMessage"
                            wait_until = self.pacer.ready_at(candidate) if paced else 0.0
                            if wait_until > time.monotonic():  # this channel's burst is used up: later
                                heapq.heappush(heap, (wait_until, sequence, candidate))
                                sequence += 1
                                continue
                            if paced:
                                self.pacer.take(candidate)
                            in_flight += 1
                            lane = candidate
                            break
                        wait = heap[0][0] - time.monotonic() if heap and in_flight < self.concurrency else 0.05
                        ready.wait(max(0.001, min(wait, 0.05)))
                if not lane:
                    break
                self.bucket.acquire()
                pool.submit(run, lane)
        done_sending.set()
        renewer.join()
        flush()
        return report

    def _send_one(self, row: OutboxMessage) -> _Outcome:
        try:
            response = self._client(row.workspace_id).api_call(row.method, json=row.payload)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if exc.response.status_code == 429:
                retry_after = retry_after_seconds(exc.response.headers.get("Retry-After"), time.time())
                outcome = _Outcome.retry(f"ratelimited (Retry-After {retry_after:g}s)", timedelta(seconds=retry_after))
                outcome.rate_limited = True
                return outcome
            if error in PERMANENT_ERRORS:
                log.warning("outbox %s failed for good: %s", row.dedupe_key, error)
                return _Outcome.failed(error)
            return _Outcome.retry(error)
        except Exception as exc:  # connection refused, timeout, TLS: all worth another try
            return _Outcome.retry(f"{type(exc).__name__}: {exc}")
        data = response.data if isinstance(response.data, dict) else {}
        return _Outcome(OutboxStatus.SENT, None, None, DrainReport(sent=1), data.get("ts"), data.get("channel"))


MAX_RETRY_AFTER = 3600.0


def retry_after_seconds(header: object, now: float) -> float:
    """Seconds to wait from a ``Retry-After`` header: Slack sends whole seconds, proxies may
    send a fraction or an HTTP date; anything unreadable waits one second. Never raises."""
    text = str(header or "").strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(text).timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            seconds = 1.0
    if seconds != seconds:  # NaN
        seconds = 1.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _lane(row: OutboxMessage) -> str:
    channel = row.payload.get("channel") or row.payload.get("user_id")
    return f"{row.workspace_id}:{channel}" if channel else f"{row.workspace_id}:{row.dedupe_key}"


@dataclass
class _Outcome:
    status: OutboxStatus
    error: str | None
    delay: timedelta | None
    report: DrainReport
    ts: str | None = None
    channel: str | None = None
    rate_limited: bool = False

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
