"""What every listener needs, handed over through Bolt's context (Dispatch's pattern)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.core.config import Settings
from bot.core.content.bundle import Content
from bot.core.content.library import ContentLibrary
from bot.core.render import Renderer


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    sessions: sessionmaker[Session]
    renderer: Renderer
    content: Content
    clock: Callable[[], datetime] = field(default=utc_now)
    # Where a listener's work goes once Slack has its ack (None: on the listener's thread).
    after_ack: Executor | None = None

    def now(self) -> datetime:
        return self.clock()

    @property
    def library(self) -> ContentLibrary:
        return self.content.library


CONTEXT_KEY = "coachbot"


def deps_of(context: Any) -> Deps:
    deps = context[CONTEXT_KEY]
    assert isinstance(deps, Deps)
    return deps
