"""Monday morning: each lead gets last week's learning summary for their team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.db.models import Member, Role, Workspace
from bot.core.localtime import lesson_clock, member_zone
from bot.learning.lessons import DELIVERY_WINDOW
from bot.learning.use_cases import send_weekly_summary
from jobs.context import JobContext


def send_lead_summaries(ctx: JobContext) -> int:
    notifier = ctx.notifier
    queued = 0
    with ctx.sessions.begin() as session:
        leads = session.execute(
            select(Member, Workspace)
            .join(Workspace, Workspace.id == Member.workspace_id)
            .where(Member.role == Role.LEAD, Member.active.is_(True), Workspace.lead_weekly_summary.is_(True))
        )
        for lead, workspace in leads:
            local = ctx.now.astimezone(member_zone(lead, workspace))
            start = datetime.combine(local.date(), lesson_clock(lead, workspace), tzinfo=local.tzinfo)
            if local.weekday() != 0 or not start <= local < start + DELIVERY_WINDOW:
                continue
            queued += send_weekly_summary(session, notifier, lead, workspace, local.date())
    return queued
