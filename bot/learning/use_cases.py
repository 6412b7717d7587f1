"""Learning use cases: what happens when an agent answers a question.

Each function changes state and queues every notification it causes; handlers and jobs
call them and answer with what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.calendar import calendar_for
from bot.core.content.library import ContentLibrary
from bot.core.db.models import Member, Workspace
from bot.core.errors import UserError
from bot.core.localtime import local_today
from bot.learning.quiz import AnswerOutcome, AnswerStatus, answer
from bot.learning.streaks import streak


@dataclass(frozen=True)
class QuizAnswer:
    outcome: AnswerOutcome
    streak_days: int


def answer_question(
    session: Session,
    library: ContentLibrary,
    member: Member,
    workspace: Workspace,
    item_id: int,
    chosen: list[str],
    now: datetime,
) -> QuizAnswer:
    """Record the first answer to a served question; a repeat or a stranger's click is refused."""
    today = local_today(member, workspace, now)
    outcome = answer(session, library, member, item_id, chosen, now, today)
    if outcome.status is AnswerStatus.NOT_YOURS:
        raise UserError("quiz.not_yours")
    if outcome.status is AnswerStatus.UNAVAILABLE or outcome.item is None or outcome.question is None:
        raise UserError("quiz.unavailable")
    days = streak(session, member.id, calendar_for(workspace), today).current
    return QuizAnswer(outcome, days)
