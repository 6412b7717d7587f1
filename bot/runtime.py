"""Composition root: settings -> database -> renderer -> Bolt app -> sender -> jobs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.app import create_app, make_web_client
from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.deps import Deps, utc_now
from bot.outbox import OutboxSender
from bot.render import Renderer
from jobs import run_due_jobs
from jobs.context import JobContext
from jobs.scheduler import OutboxPump, start_scheduler


class Runtime:
    def __init__(
        self, settings: Settings, *, clock: Callable[[], datetime] = utc_now, migrate: bool | None = None
    ) -> None:
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        if migrate if migrate is not None else self.engine.dialect.name == "sqlite":
            upgrade(self.engine)  # embedded SQLite upgrades itself; PostgreSQL via `coachbot db upgrade`
        self.sessions = make_session_factory(self.engine)
        self.renderer = Renderer()
        self.deps = Deps(settings, self.sessions, self.renderer, clock)
        self.sender = OutboxSender(
            self.sessions, self.client_for, rate=settings.outbox_rate, concurrency=settings.outbox_concurrency
        )
        self.pump: OutboxPump | None = None
        self.scheduler: Any = None

    @cached_property
    def app(self) -> App:
        """Built on first use: CLI commands such as a roster import need no Slack app."""
        return create_app(self.deps)

    @cached_property
    def client(self) -> WebClient:
        return make_web_client(self.settings)

    def client_for(self, _workspace_id: str) -> WebClient:
        return self.client

    def job_context(self, now: datetime | None = None) -> JobContext:
        return JobContext(
            self.settings, self.sessions, self.renderer, self.sender, now or self.deps.now(), self.client_for
        )

    def tick(self, now: datetime | None = None) -> dict[str, int]:
        return run_due_jobs(self.job_context(now))

    def start_background(self, *, scheduler: bool = True) -> None:
        self.pump = OutboxPump(self.sender, self.deps.now).start()
        self.deps.on_outbox_write = self.pump.wake
        if scheduler:
            self.scheduler = start_scheduler(self.job_context)

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        if self.pump is not None:
            self.pump.stop()
        self.engine.dispose()
