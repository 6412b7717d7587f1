"""Wellbeing: end-of-day check-in prompts and peer-support fallbacks.

Both claim their work in the database: a prompt row unique per member and day, and a
conditional status change open -> fallback, so a second run or instance sends nothing
twice. Each item has its own transaction: one failure does not stop the others."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from bot.wellbeing.checkins import prompts_due
from bot.wellbeing.support import overdue_requests
from bot.wellbeing.use_cases import fall_back, send_checkin_prompt
from jobs.context import JobContext

log = logging.getLogger(__name__)


def run_wellbeing_jobs(ctx: JobContext) -> int:
    return send_checkin_prompts(ctx) + fall_back_unanswered_requests(ctx)


def send_checkin_prompts(ctx: JobContext) -> int:
    with ctx.sessions() as session:
        due = prompts_due(session, ctx.now)
    sent = 0
    for item in due:
        try:
            with ctx.sessions.begin() as session:
                sent += send_checkin_prompt(session, ctx.notifier, item.member_id, item.local_date)
        except IntegrityError:
            log.info("check-in prompt for member %s on %s was sent by another run", item.member_id, item.local_date)
    return sent


def fall_back_unanswered_requests(ctx: JobContext) -> int:
    """Requests nobody accepted in time go to the support channel; the requester is told."""
    with ctx.sessions() as session:
        overdue = overdue_requests(session, ctx.now)
    notifier = ctx.notifier
    return ctx.one_by_one(overdue, lambda session, request_id: fall_back(session, notifier, request_id))
