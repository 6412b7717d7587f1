"""Learning use cases: a day's lesson and quiz, an answer, a lead's weekly summary.

Each function changes state and queues every notification it causes; handlers and jobs
call them and answer with what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.core.calendar import WorkCalendar
from bot.core.content.bundle import Content
from bot.core.content.library import ContentLibrary
from bot.core.db.models import Member, Workspace
from bot.core.errors import UserError
from bot.core.i18n import member_locale
from bot.core.localtime import local_today
from bot.core.notify import Notifier
from bot.core.render import Message
from bot.learning.lessons import DueLearner, deliver_day
from bot.learning.messages import lesson_card, quiz_question, team_progress_message
from bot.learning.progress import TeamProgress, team_progress
from bot.learning.quiz import AnswerOutcome, AnswerStatus, answer
from bot.learning.streaks import streak
from bot.people.teams import TeamScope, lead_teams, resolve_teams


@dataclass(frozen=True)
class QuizAnswer:
    outcome: AnswerOutcome
    streak_days: int


def answer_question(
    session: Session,
    content: Content,
    member: Member,
    workspace: Workspace,
    item_id: int,
    chosen: list[str],
    now: datetime,
) -> QuizAnswer:
    """Record the first answer to a served question; a repeat or a stranger's click is refused."""
    today = local_today(member, workspace, now)
    outcome = answer(session, content.library, member, item_id, chosen, now, today)
    if outcome.status is AnswerStatus.NOT_YOURS:
        raise UserError("quiz.not_yours")
    if outcome.status is AnswerStatus.UNAVAILABLE or outcome.item is None or outcome.question is None:
        raise UserError("quiz.unavailable")
    days = streak(session, member.id, content.calendar_for(workspace), today).current
    return QuizAnswer(outcome, days)


def deliver_lessons(
    session: Session, notifier: Notifier, learner: DueLearner, cards: dict[tuple[str, str], Message]
) -> bool:
    """Serve ``learner`` today's lesson card and quiz questions (once: the delivery's key);
    ``cards`` caches the card per lesson and language, as most agents share today's."""
    library = notifier.library
    delivery = deliver_day(session, library, learner, notifier.now)
    if delivery is None:
        return False
    member = learner.member
    locale = member_locale(member, learner.workspace)
    if delivery.lesson is not None:
        card = cards.get((delivery.lesson.id, locale))
        if card is None:
            card = cards[(delivery.lesson.id, locale)] = lesson_card(
                notifier.renderer, library, delivery.lesson, locale
            )
        notifier.deliver(session, member, card, f"lesson:{member.id}:{learner.local_date}")
    for number, item in enumerate(delivery.items, start=1):
        question = quiz_question(notifier.renderer, library, item, locale, number, len(delivery.items))
        notifier.deliver(session, member, question, f"quiz:{item.id}")
    return True


def send_weekly_summary(session: Session, notifier: Notifier, lead: Member, workspace: Workspace, local: date) -> bool:
    """Monday's summary of last week's learning for ``lead``'s team; False without a team."""
    library = notifier.library
    try:
        progress = team_progress(
            session, library, lead_teams(session, lead), notifier.content.calendar_for(workspace), local
        )
    except UserError:
        return False  # a lead without a team has nothing to summarise
    year, week, _ = local.isocalendar()
    message = team_progress_message(notifier.renderer, library, progress, member_locale(lead, workspace), weekly=True)
    return notifier.deliver(session, lead, message, f"lead-weekly:{lead.id}:{year}-W{week:02d}")


def view_team_progress(
    session: Session,
    library: ContentLibrary,
    viewer: Member,
    calendar: WorkCalendar,
    today: date,
    *,
    name: str | None = None,
    team_id: int | None = None,
) -> TeamProgress | TeamScope:
    """A team's progress for its lead, or any team's for HR and admins; a
    :class:`TeamScope` with choices when HR has to say which team first."""
    scope = resolve_teams(session, viewer, name=name, team_id=team_id)
    if not scope.teams:
        return scope
    return team_progress(session, library, scope.teams, calendar, today)
