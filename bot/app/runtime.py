"""Composition root: settings -> database -> renderer -> Bolt app -> sender -> jobs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from sqlalchemy import select

from bot.app.oauth import BotTokens, OAuthStores, make_stores
from bot.app.slack_client import make_web_client
from bot.core import redaction
from bot.core.calendar import preload as preload_calendars
from bot.core.clock import TravelClock
from bot.core.config import Settings
from bot.core.content.bundle import Content
from bot.core.db.engine import make_engine, make_session_factory
from bot.core.db.migrate import upgrade
from bot.core.db.models import Workspace
from bot.core.deps import Deps, utc_now
from bot.core.logging_setup import ContextExecutor
from bot.core.outbox import OutboxSender, wake_after_commit
from bot.core.render import Renderer
from jobs import run_due_jobs
from jobs.context import JobContext
from jobs.scheduler import OutboxPump, start_scheduler

if TYPE_CHECKING:
    from slack_bolt import App

log = logging.getLogger(__name__)

WORK_THREADS = 8  # SQLite takes one writer at a time; PostgreSQL uses them all
LISTENER_THREADS = 32  # Bolt runs even the ack on these: a burst must find one free


class Runtime:
    def __init__(
        self, settings: Settings, *, clock: Callable[[], datetime] = utc_now, migrate: bool | None = None
    ) -> None:
        self.settings = settings
        redaction.install([settings.slack_bot_token, settings.slack_app_token, settings.slack_signing_secret])
        self.engine = make_engine(settings.database_url)
        if migrate if migrate is not None else self.engine.dialect.name == "sqlite":
            upgrade(self.engine)  # embedded SQLite upgrades itself; PostgreSQL via `coachbot db upgrade`
        self.sessions = make_session_factory(self.engine)
        self.content = Content.load()  # every content file, read and checked once
        self.renderer = Renderer(self.content.catalog)
        self.work = ContextExecutor(max_workers=WORK_THREADS, thread_name_prefix="coachbot-work")
        self.listeners = ContextExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="coachbot-listener")
        self.deps = Deps(settings, self.sessions, self.renderer, self.content, clock, after_ack=self.work)
        self.sender = OutboxSender(
            self.sessions, self.client_for, rate=settings.outbox_rate, concurrency=settings.outbox_concurrency
        )
        self.pump: OutboxPump | None = None
        self._clients: dict[tuple[str, str | None], WebClient] = {}
        self._clients_lock = threading.Lock()
        self.scheduler: Any = None

    @cached_property
    def app(self) -> App:
        """Built on first use: CLI commands and `jobs tick` need no Slack app (nor its handlers)."""
        from bot.app.slack_app import create_app

        return create_app(self.deps, self.oauth, self.listeners)

    @cached_property
    def oauth(self) -> OAuthStores | None:
        """slack_sdk's installation and OAuth-state stores, in OAuth mode only."""
        return make_stores(self.settings, self.engine) if self.settings.oauth_enabled else None

    @cached_property
    def bot_tokens(self) -> BotTokens | None:
        return BotTokens(self.oauth) if self.oauth else None

    @cached_property
    def client(self) -> WebClient:
        return make_web_client(self.settings)

    def client_for(self, workspace_id: str) -> WebClient:
        """The workspace's client: the one bot token, or in OAuth mode the token its install stored."""
        if self.bot_tokens is None:
            return self.client
        token = self.bot_tokens.token_for(workspace_id)
        with self._clients_lock:
            client = self._clients.get((workspace_id, token))
            if client is None:  # one client per token: the outbox sender caches by client
                client = self._clients[(workspace_id, token)] = make_web_client(self.settings, token or "")
            return client

    def answering(self) -> bool:
        """Whether a request is still being answered: a listener or its after-ack work runs."""
        return self.listeners.busy + self.work.busy > 0

    def job_context(self, now: datetime | None = None) -> JobContext:
        return JobContext(
            self.settings,
            self.sessions,
            self.renderer,
            self.sender,
            now or self.deps.now(),
            self.client_for,
            self.content,
        )

    def tick(self, now: datetime | None = None) -> dict[str, int]:
        """Run the jobs due at ``now``; on a travelling clock (the playground) every click
        and command after this happens at ``now`` too, so there is one clock, not two."""
        if now is not None and isinstance(self.deps.clock, TravelClock):
            self.deps.clock.travel_to(now)
        return run_due_jobs(self.job_context(now))  # records job durations and delivery counts (bot.core.metrics)

    def warm_up(self) -> None:
        """Pay the one-off costs (content, templates, holiday tables) before the first
        request: Slack gives a listener 3 seconds to acknowledge, and a cold start inside
        a write transaction would hold up every request queued behind it."""
        self.renderer.compile_all()
        with self.sessions() as session:
            countries = {c for c in session.scalars(select(Workspace.holiday_country).distinct()) if c}
        preload_calendars(countries | {"CN"}, self.deps.now().date())

    def start_background(self, *, scheduler: bool = True) -> None:
        self.warm_up()
        self.warn_without_hr_channel()
        self.pump = OutboxPump(self.sender, self.deps.now).start()
        wake_after_commit(self.sessions, self.pump.wake)
        if scheduler:
            self.scheduler = start_scheduler(self.job_context)

    def warn_without_hr_channel(self) -> None:
        """Say at start-up where HR's reminders go when no channel is set, so nobody wonders."""
        if self.settings.hr_channel:
            return
        with self.sessions() as session:
            channels = {
                workspace: channel for workspace, channel in session.execute(select(Workspace.id, Workspace.hr_channel))
            }
        without = sorted(workspace for workspace, channel in channels.items() if not channel)
        if without or not channels:
            log.warning(
                "HR_CHANNEL is not set: certification reminders and the weekly digest go to every active HR "
                "member by DM (in %s). Set HR_CHANNEL or `coachbot workspace set --hr-channel C…` to post "
                "them in a channel instead.",
                ", ".join(without) or "every workspace",
            )

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        self.work.shutdown(wait=True)  # acked answers still to record are finished, not dropped
        if self.pump is not None:
            self.pump.stop()
        self.engine.dispose()
