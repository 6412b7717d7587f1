"""Learning statistics: a member's mastery per module, and a team's progress for its lead.

Each report is a fixed number of queries whatever the team size; the per-question
arithmetic happens in Python against the content library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import NamedTuple

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from bot.core.calendar import WorkCalendar
from bot.core.content.library import ContentLibrary
from bot.core.db.models import Member, Role, Team
from bot.learning.models import Pause, QuizItem
from bot.learning.reviews import count_due
from bot.learning.streaks import Streak, streak

INACTIVE_AFTER_WORKING_DAYS = 5
WEAKEST_MIN_ANSWERS = 3


@dataclass
class ModuleStats:
    module_id: str
    answered: int = 0
    correct: int = 0
    learners: set[int] = field(default_factory=set)
    participants: int = 0  # distinct people who answered (len(learners) when the ids are known)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class RecentResult:
    question_id: str
    correct: bool


def _stats(library: ContentLibrary, rows: list[tuple[int, str, bool]]) -> dict[str, ModuleStats]:
    module_of_question = {q.id: m.id for m in library.modules for q in m.questions}
    stats = {m.id: ModuleStats(m.id) for m in library.modules}
    for member_id, question_id, correct in rows:
        module = module_of_question.get(question_id)
        if module is None:
            continue
        stats[module].answered += 1
        stats[module].correct += int(correct)
        stats[module].learners.add(member_id)
        stats[module].participants = len(stats[module].learners)
    return stats


def mastery(session: Session, library: ContentLibrary, member_id: int) -> list[ModuleStats]:
    rows = session.execute(
        select(QuizItem.member_id, QuizItem.question_id, QuizItem.correct).where(
            QuizItem.member_id == member_id, QuizItem.answered_at.is_not(None)
        )
    )
    return list(_stats(library, [(m, q, bool(c)) for m, q, c in rows]).values())


def recent_results(session: Session, member_id: int, limit: int = 5) -> list[RecentResult]:
    rows = session.execute(
        select(QuizItem.question_id, QuizItem.correct)
        .where(QuizItem.member_id == member_id, QuizItem.answered_at.is_not(None))
        .order_by(QuizItem.answered_at.desc())
        .limit(limit)
    )
    return [RecentResult(q, bool(c)) for q, c in rows]


@dataclass(frozen=True)
class LearningSummary:
    streak: Streak
    reviews_due: int
    mastery: list[ModuleStats]
    recent: list[RecentResult]
    paused_until: date | None


def learning_summary(
    session: Session, library: ContentLibrary, member: Member, calendar: WorkCalendar, today: date, now: datetime
) -> LearningSummary:
    """What App Home shows a learner."""
    return LearningSummary(
        streak=streak(session, member.id, calendar, today),
        reviews_due=count_due(session, member.id, now),
        mastery=mastery(session, library, member.id),
        recent=recent_results(session, member.id),
        paused_until=member.paused_until if member.paused_until and member.paused_until >= today else None,
    )


@dataclass(frozen=True)
class TeamProgress:
    team_names: list[str]
    size: int
    modules: list[ModuleStats]
    weakest: list[ModuleStats]
    inactive: list[Learner]


class Learner(NamedTuple):
    id: int
    name: str


def team_progress(
    session: Session, library: ContentLibrary, teams: list[Team], calendar: WorkCalendar, today: date
) -> TeamProgress:
    """Aggregated in SQL (per module, per member), so the cost barely grows with the team."""
    in_team = (Member.team_id.in_([t.id for t in teams]), Member.active.is_(True), Member.role == Role.AGENT)
    learners = [
        Learner(i, n) for i, n in session.execute(select(Member.id, Member.name).where(*in_team).order_by(Member.name))
    ]
    answered = (
        select(QuizItem)
        .join(Member, Member.id == QuizItem.member_id)
        .where(*in_team, QuizItem.answered_at.is_not(None))
        .subquery()
    )
    module_of = case(
        {q.id: m.id for m in library.modules for q in m.questions}, value=answered.c.question_id, else_=None
    )
    stats = {m.id: ModuleStats(m.id) for m in library.modules}
    for module, count, correct, people in session.execute(
        select(
            module_of,
            func.count(),
            func.sum(case((answered.c.correct.is_(True), 1), else_=0)),
            func.count(distinct(answered.c.member_id)),
        ).group_by(module_of)
    ):
        if module in stats:
            stats[module].answered, stats[module].correct, stats[module].participants = count, int(correct or 0), people
    last_active = dict(
        session.execute(
            select(answered.c.member_id, func.max(answered.c.answered_on)).group_by(answered.c.member_id)
        ).all()
    )
    window = list(islice(calendar.working_days_back(today), INACTIVE_AFTER_WORKING_DAYS))
    paused = {
        member_id
        for member_id, start, end in session.execute(
            select(Pause.member_id, Pause.start_date, Pause.end_date)
            .join(Member, Member.id == Pause.member_id)
            .where(*in_team, Pause.end_date >= today)
        )
        if window and start <= today and end >= window[-1]
    }
    inactive = [
        learner
        for learner in learners
        if window and (last_active.get(learner.id) or date.min) < window[-1] and learner.id not in paused
    ]
    ranked = sorted(
        (s for s in stats.values() if s.answered >= WEAKEST_MIN_ANSWERS), key=lambda s: (s.accuracy or 0, s.module_id)
    )
    return TeamProgress([t.name for t in teams], len(learners), list(stats.values()), ranked[:2], inactive)
