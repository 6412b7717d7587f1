"""What a job is given: the database, the renderer, the sender and the instant to act at."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.config import Settings
from bot.core.content.bundle import Content
from bot.core.metrics import JOB_ITEM_FAILURES
from bot.core.notify import Notifier
from bot.core.outbox import OutboxSender
from bot.core.render import Renderer

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    sessions: sessionmaker[Session]
    renderer: Renderer
    sender: OutboxSender
    now: datetime
    client_for: Callable[[str], WebClient]
    content: Content

    def one_by_one(self, job: str, items: Iterable[T], step: Callable[[Session, T], int]) -> int:
        """``step`` for each item in a transaction of its own (the sum of what it returns):
        an item's work commits or rolls back alone, and holds the write lock only for itself.

        One item's failure never stops the others: it is logged with the item's key, counted
        in ``coachbot_job_item_failures``, and (nothing of it having been committed) done again
        on the next tick. A unique-key clash means another run or instance did the item.
        """
        done = 0
        for item in items:
            try:
                with self.sessions.begin() as session:
                    done += step(session, item)
            except IntegrityError:
                log.info("job %s: %r was done by another run", job, item)
            except Exception:
                log.exception("job %s: %r failed; the others go on, and it is tried again next tick", job, item)
                JOB_ITEM_FAILURES.labels(job=job).inc()
        return done

    @property
    def notifier(self) -> Notifier:
        """For the use cases a job calls: renders in each recipient's language, queues at ``now``."""
        return Notifier(self.renderer, self.content, self.now)
