"""Monday morning: each lead gets last week's learning summary for their team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.calendar import calendar_for
from bot.core.content.loader import content_library
from bot.core.db.models import Member, Role, Workspace
from bot.core.errors import UserError
from bot.core.i18n import member_locale
from bot.core.localtime import lesson_clock, member_zone
from bot.core.outbox import post_message
from bot.learning.lessons import DELIVERY_WINDOW
from bot.learning.messages import team_progress_message
from bot.learning.progress import team_progress
from jobs.context import JobContext


def send_lead_summaries(ctx: JobContext) -> int:
    library = content_library()
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
            try:
                progress = team_progress(session, library, lead, calendar_for(workspace), local.date())
            except UserError:
                continue  # a lead without a team has nothing to summarise
            year, week, _ = local.isocalendar()
            message = team_progress_message(
                ctx.renderer, library, progress, member_locale(lead, workspace), weekly=True
            )
            queued += post_message(
                session,
                workspace_id=lead.workspace_id,
                channel=lead.slack_id,
                message=message,
                dedupe_key=f"lead-weekly:{lead.id}:{year}-W{week:02d}",
                now=ctx.now,
            )
    return queued
