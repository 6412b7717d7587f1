"""Daily lessons: every minute, deliver to whoever's local lesson time has come."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from bot.core.db.models import Member, Workspace
from bot.core.render import Message
from bot.learning.lessons import DueLearner, learners_due
from bot.learning.use_cases import deliver_lessons
from jobs.context import JobContext

log = logging.getLogger(__name__)


def dispatch_lessons(ctx: JobContext) -> int:
    """Each delivery and its messages commit together; the (member, date) key makes a
    second run, or a second instance, skip whoever was already served."""
    notifier = ctx.notifier
    with ctx.sessions() as session:
        due = [(d.member.id, d.local_date) for d in learners_due(session, ctx.now)]
    cards: dict[tuple[str, str], Message] = {}
    delivered = 0
    for member_id, local_date in due:
        try:
            with ctx.sessions.begin() as session:
                member = session.get(Member, member_id)
                workspace = session.get(Workspace, member.workspace_id) if member else None
                if member is None or workspace is None:
                    continue
                delivered += deliver_lessons(session, notifier, DueLearner(member, workspace, local_date), cards)
        except IntegrityError:
            log.info("lesson for member %s on %s was delivered by another run", member_id, local_date)
    return delivered
