"""What a job is given: the database, the renderer, the sender and the instant to act at."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.core.config import Settings
from bot.core.content.loader import content_library
from bot.core.notify import Notifier
from bot.core.outbox import OutboxSender
from bot.core.render import Renderer

T = TypeVar("T")


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    sessions: sessionmaker[Session]
    renderer: Renderer
    sender: OutboxSender
    now: datetime
    client_for: Callable[[str], WebClient]

    def one_by_one(self, items: Iterable[T], step: Callable[[Session, T], int]) -> int:
        """``step`` for each item in a transaction of its own (the sum of what it returns):
        an item's work commits or rolls back alone, and holds the write lock only for itself."""
        done = 0
        for item in items:
            with self.sessions.begin() as session:
                done += step(session, item)
        return done

    @property
    def notifier(self) -> Notifier:
        """For the use cases a job calls: renders in each recipient's language, queues at ``now``."""
        return Notifier(self.renderer, content_library(), self.now)
