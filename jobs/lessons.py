"""Daily lessons: every minute, deliver to whoever's local lesson time has come."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.core.db.models import Member, Workspace
from bot.core.render import Message
from bot.learning.lessons import DueLearner, learners_due
from bot.learning.use_cases import deliver_lessons
from jobs.context import JobContext


def dispatch_lessons(ctx: JobContext) -> int:
    """Each delivery and its messages commit together; the (member, date) key makes a
    second run, or a second instance, skip whoever was already served."""
    notifier = ctx.notifier
    with ctx.sessions() as session:
        due = [(d.member.id, d.local_date) for d in learners_due(session, ctx.now, ctx.content.calendar_for)]
    cards: dict[tuple[str, str], Message] = {}

    def deliver(session: Session, due: tuple[int, date]) -> int:
        member_id, local_date = due
        member = session.get(Member, member_id)
        workspace = session.get(Workspace, member.workspace_id) if member else None
        if member is None or workspace is None:
            return 0
        return deliver_lessons(session, notifier, DueLearner(member, workspace, local_date), cards)

    return ctx.one_by_one("lessons", due, deliver)
