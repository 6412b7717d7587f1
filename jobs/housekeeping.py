"""Trim tables that only need recent rows."""

from __future__ import annotations

from bot.core.events import forget_old_events as forget
from jobs.context import JobContext


def forget_old_events(ctx: JobContext) -> int:
    with ctx.sessions.begin() as session:
        return forget(session, ctx.now)
