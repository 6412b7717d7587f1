"""Once a day, admins hear about messages that could not be delivered (and why)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.core.db.models import Member, OutboxMessage, OutboxStatus, Role, Workspace
from jobs.context import JobContext

REPORT_HOUR = 9


def report_failed_deliveries(ctx: JobContext) -> int:
    notifier = ctx.notifier
    sent = 0
    with ctx.sessions.begin() as session:
        for workspace in session.scalars(select(Workspace)):
            local = ctx.now.astimezone(ZoneInfo(workspace.timezone))
            if local.hour < REPORT_HOUR:
                continue
            failed = session.scalars(
                select(OutboxMessage.last_error).where(
                    OutboxMessage.workspace_id == workspace.id,
                    OutboxMessage.status == OutboxStatus.FAILED,
                    OutboxMessage.created_at >= ctx.now - timedelta(days=1),
                    OutboxMessage.dedupe_key.not_like("failed-deliveries:%"),
                )
            ).all()
            if not failed:
                continue
            reasons = Counter((error or "unknown").split(":")[0] for error in failed)
            admins = session.scalars(
                select(Member).where(
                    Member.workspace_id == workspace.id, Member.role == Role.ADMIN, Member.active.is_(True)
                )
            )
            summary = ", ".join(f"{reason} ×{count}" for reason, count in reasons.most_common())
            key = f"failed-deliveries:{local.date().isoformat()}"
            for admin in admins:
                sent += notifier.notice(
                    session,
                    admin,
                    f"{key}:{admin.slack_id}",
                    "reliability.failed_summary",
                    count=len(failed),
                    reasons=summary,
                )
    return sent
