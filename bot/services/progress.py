"""Learning statistics: a member's mastery per module, and a team's progress for its lead.

Each report is a fixed number of queries whatever the team size; the per-question
arithmetic happens in Python against the content library.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content.library import ContentLibrary
from bot.db.learning import Pause, QuizItem
from bot.db.models import Member, Role, Team
from bot.errors import UserError
from bot.services.calendar import WorkCalendar
from bot.services.reviews import count_due
from bot.services.streaks import Streak, streak

INACTIVE_AFTER_WORKING_DAYS = 5
WEAKEST_MIN_ANSWERS = 3


@dataclass
class ModuleStats:
    module_id: str
    answered: int = 0
    correct: int = 0
    learners: set[int] = field(default_factory=set)

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
    inactive: list[Member]


def lead_teams(session: Session, lead: Member) -> list[Team]:
    teams = list(session.scalars(select(Team).where(Team.workspace_id == lead.workspace_id, Team.lead_id == lead.id)))
    if not teams and lead.team_id is not None:
        team = session.get(Team, lead.team_id)
        teams = [team] if team else []
    if not teams:
        raise UserError("progress.no_team")
    return teams


def team_progress(
    session: Session, library: ContentLibrary, lead: Member, calendar: WorkCalendar, today: date
) -> TeamProgress:
    teams = lead_teams(session, lead)
    learners = list(
        session.scalars(
            select(Member)
            .where(
                Member.team_id.in_([t.id for t in teams]),
                Member.active.is_(True),
                Member.role == Role.AGENT,
            )
            .order_by(Member.name)
        )
    )
    ids = [m.id for m in learners]
    rows = session.execute(
        select(QuizItem.member_id, QuizItem.question_id, QuizItem.correct, QuizItem.answered_on).where(
            QuizItem.member_id.in_(ids), QuizItem.answered_at.is_not(None)
        )
    )
    answers = list(rows)
    stats = _stats(library, [(m, q, bool(c)) for m, q, c, _d in answers])
    window = [
        day for _, day in zip(range(INACTIVE_AFTER_WORKING_DAYS), calendar.working_days_back(today), strict=False)
    ]
    last_active: dict[int, date] = defaultdict(lambda: date.min)
    for member_id, _q, _c, day in answers:
        if day and day > last_active[member_id]:
            last_active[member_id] = day
    paused = {
        member_id
        for member_id, start, end in session.execute(
            select(Pause.member_id, Pause.start_date, Pause.end_date).where(Pause.member_id.in_(ids))
        )
        if window and start <= today and end >= window[-1]
    }
    inactive = [m for m in learners if window and last_active[m.id] < window[-1] and m.id not in paused]
    ranked = sorted(
        (s for s in stats.values() if s.answered >= WEAKEST_MIN_ANSWERS), key=lambda s: (s.accuracy or 0, s.module_id)
    )
    return TeamProgress([t.name for t in teams], len(learners), list(stats.values()), ranked[:2], inactive)
