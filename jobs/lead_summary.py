"""Monday morning: each lead gets last week's learning summary for their team."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db.models import Member, Role, Workspace
from bot.core.localtime import lesson_clock, member_zone
from bot.learning.lessons import DELIVERY_WINDOW
from bot.learning.use_cases import send_weekly_summary
from jobs.context import JobContext


def send_lead_summaries(ctx: JobContext) -> int:
    """Each lead's summary in a transaction of its own: one big or broken team never costs
    the other leads theirs (``JobContext.one_by_one``)."""
    notifier = ctx.notifier
    due: list[tuple[int, date]] = []
    with ctx.sessions() as session:
        leads = session.execute(
            select(Member, Workspace)
            .join(Workspace, Workspace.id == Member.workspace_id)
            .where(Member.role == Role.LEAD, Member.active.is_(True), Workspace.lead_weekly_summary.is_(True))
        )
        for lead, workspace in leads:
            local = ctx.now.astimezone(member_zone(lead, workspace))
            start = datetime.combine(local.date(), lesson_clock(lead, workspace), tzinfo=local.tzinfo)
            if local.weekday() == 0 and start <= local < start + DELIVERY_WINDOW:
                due.append((lead.id, local.date()))

    def summarise(session: Session, item: tuple[int, date]) -> int:
        lead = session.get(Member, item[0])
        workspace = session.get(Workspace, lead.workspace_id) if lead else None
        if lead is None or workspace is None:
            return 0
        return send_weekly_summary(session, notifier, lead, workspace, item[1])

    return ctx.one_by_one("lead_summaries", due, summarise)
