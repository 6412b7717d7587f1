"""Streaks count working days with at least one answer; weekends, holidays and pauses
neither count nor break them, and today does not break a streak before it is over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.calendar import WorkCalendar
from bot.learning.models import Pause, QuizItem


@dataclass(frozen=True)
class Streak:
    current: int
    longest: int
    answered_today: bool


def streak(session: Session, member_id: int, calendar: WorkCalendar, today: date) -> Streak:
    active_days = {
        day
        for day in session.scalars(
            select(QuizItem.answered_on).where(QuizItem.member_id == member_id, QuizItem.answered_on.is_not(None))
        )
        if day is not None
    }
    if not active_days:
        return Streak(0, 0, False)
    pauses = session.execute(select(Pause.start_date, Pause.end_date).where(Pause.member_id == member_id)).all()

    def counts(day: date) -> bool:
        return calendar.is_working_day(day) and not any(start <= day <= end for start, end in pauses)

    first = min(active_days)
    current, longest, run = 0, 0, 0
    streak_open = True
    for day in calendar.working_days_back(today):
        if day < first:
            break
        if not counts(day):
            continue
        if day in active_days:
            run += 1
        elif day != today:  # a missed working day ends a run
            if streak_open:
                current, streak_open = run, False
            longest, run = max(longest, run), 0
    if streak_open:
        current = run
    longest = max(longest, run, current)
    return Streak(current, longest, today in active_days)
