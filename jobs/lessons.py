"""Daily lessons: every minute, deliver to whoever's local lesson time has come."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from bot.core.content.loader import content_library
from bot.core.db.models import Member, Workspace
from bot.core.i18n import member_locale
from bot.core.outbox import post_message
from bot.core.render import Message
from bot.learning.lessons import DueLearner, deliver_day, learners_due
from bot.learning.messages import lesson_card, quiz_question
from jobs.context import JobContext

log = logging.getLogger(__name__)


def dispatch_lessons(ctx: JobContext) -> int:
    """Each delivery and its messages commit together; the (member, date) key makes a
    second run, or a second instance, skip whoever was already served."""
    library = content_library()
    with ctx.sessions() as session:
        due = [(d.member.id, d.local_date) for d in learners_due(session, ctx.now)]
    cards: dict[tuple[str, str], Message] = {}  # most agents get the same lesson card today
    delivered = 0
    for member_id, local_date in due:
        try:
            with ctx.sessions.begin() as session:
                member = session.get(Member, member_id)
                workspace = session.get(Workspace, member.workspace_id) if member else None
                if member is None or workspace is None:
                    continue
                delivery = deliver_day(session, library, DueLearner(member, workspace, local_date), ctx.now)
                if delivery is None:
                    continue
                locale = member_locale(member, workspace)
                if delivery.lesson is not None:
                    card = cards.get((delivery.lesson.id, locale))
                    if card is None:
                        card = cards[(delivery.lesson.id, locale)] = lesson_card(
                            ctx.renderer, library, delivery.lesson, locale
                        )
                    post_message(
                        session,
                        workspace_id=member.workspace_id,
                        channel=member.slack_id,
                        message=card,
                        dedupe_key=f"lesson:{member.id}:{local_date}",
                        now=ctx.now,
                    )
                for number, item in enumerate(delivery.items, start=1):
                    question = quiz_question(ctx.renderer, library, item, locale, number, len(delivery.items))
                    post_message(
                        session,
                        workspace_id=member.workspace_id,
                        channel=member.slack_id,
                        message=question,
                        dedupe_key=f"quiz:{item.id}",
                        now=ctx.now,
                    )
                delivered += 1
        except IntegrityError:
            log.info("lesson for member %s on %s was delivered by another run", member_id, local_date)
    return delivered
