"""Wellbeing: end-of-day check-in prompts and peer-support fallbacks.

Both claim their work in the database: a prompt row unique per member and day, and a
conditional status change open -> fallback, so a second run or instance sends nothing
twice. Each item has its own transaction: one failure does not stop the others."""

from __future__ import annotations

import logging

from bot.wellbeing.checkins import prompts_due
from bot.wellbeing.support import overdue_requests
from bot.wellbeing.use_cases import fall_back, send_checkin_prompt
from jobs.context import JobContext

log = logging.getLogger(__name__)


def run_wellbeing_jobs(ctx: JobContext) -> int:
    return send_checkin_prompts(ctx) + fall_back_unanswered_requests(ctx)


def send_checkin_prompts(ctx: JobContext) -> int:
    with ctx.sessions() as session:
        due = prompts_due(session, ctx.now, ctx.content.calendar_for)
    notifier = ctx.notifier
    return ctx.one_by_one(
        "checkin_prompts",
        due,
        lambda session, item: send_checkin_prompt(session, notifier, item.member_id, item.local_date),
    )


def fall_back_unanswered_requests(ctx: JobContext) -> int:
    """Requests nobody accepted in time go to the support channel; the requester is told."""
    with ctx.sessions() as session:
        overdue = overdue_requests(session, ctx.now)
    notifier = ctx.notifier
    return ctx.one_by_one(
        "support_fallbacks", overdue, lambda session, request_id: fall_back(session, notifier, request_id)
    )
