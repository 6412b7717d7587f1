"""Stress check-ins: validating and storing answers, the person's own trend, and when to help.

Answers belong to the person who gave them: nothing here returns one member's answers to
anybody else (team views are in :mod:`bot.wellbeing.team_trends` and only ever aggregate).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.core.content.bundle import Calendars
from bot.core.content.schema import BreathingExercise, CopingLibrary, CopingTip
from bot.core.db.models import Member, Role, Workspace
from bot.core.localtime import member_zone
from bot.core.slack_text import parse_count
from bot.people.preferences import CLOCK_TIME
from bot.wellbeing.models import CheckIn, CheckInPreference, CheckInPrompt

SCALE = range(1, 6)
NOTE_LIMIT = 500
HIGH_STRESS = 4  # one answer this high gets coping help straight away
HARD_DAY_STRESS = 3  # ... and three days in a row at least this high get it too
HARD_DAYS_IN_A_ROW = 3
HISTORY_DAYS = 28
DEFAULT_PROMPT_TIME = "17:30"
PROMPT_WINDOW = timedelta(hours=3)  # a bot that was down all evening does not prompt at midnight
PROMPTED_ROLES = (Role.AGENT,)  # others can turn prompts on in their check-in settings


class HelpReason(StrEnum):
    NONE = "none"
    HIGH = "high"
    HARD_DAYS = "hard_days"


@dataclass(frozen=True)
class Answer:
    stress: int
    energy: int | None
    tags: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class DayPoint:
    day: date
    stress: float | None
    energy: float | None


@dataclass(frozen=True)
class CheckInPrefs:
    prompt_time: str
    prompts_enabled: bool
    peer_supporter: bool


def _scale(value: str | int | None) -> int | None:
    text = str(value).strip() if value is not None else ""
    number = parse_count(text, maximum=max(SCALE))
    return number if number in SCALE else None


def parse_answer(
    stress: str | None, energy: str | None, tags: Iterable[str], note: str | None, situations: Iterable[str]
) -> tuple[Answer | None, dict[str, str]]:
    """An answer, or block id -> error key for the modal to show beside the fields."""
    errors: dict[str, str] = {}
    stress_value, energy_value = _scale(stress), _scale(energy)
    if stress_value is None:
        errors["stress"] = "checkin.errors.stress"
    if energy_value is None:
        errors["energy"] = "checkin.errors.energy"
    chosen = tuple(dict.fromkeys(tags))
    if set(chosen) - set(situations):
        errors["tags"] = "checkin.errors.tags"
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        errors["note"] = "checkin.errors.note"
    if errors:
        return None, errors
    assert stress_value is not None
    return Answer(stress_value, energy_value, chosen, text or None), {}


def today_for(session: Session, member: Member, now: datetime) -> date:
    """The member's own date at ``now`` (check-ins and prompts are per local day)."""
    workspace = session.get(Workspace, member.workspace_id)
    assert workspace is not None
    return now.astimezone(member_zone(member, workspace)).date()


def member_timezone(session: Session, member: Member) -> str:
    workspace = session.get(Workspace, member.workspace_id)
    assert workspace is not None
    return member_zone(member, workspace).key


def count_checkins(session: Session, member_id: int) -> int:
    return int(session.scalar(select(func.count()).where(CheckIn.member_id == member_id)) or 0)


def quick_answer(level: str) -> Answer | None:
    """A one-click answer from the end-of-day prompt: stress only."""
    stress = _scale(level)
    return Answer(stress, None) if stress is not None else None


def record_checkin(session: Session, member: Member, answer: Answer, local_date: date, now: datetime) -> CheckIn:
    row = CheckIn(
        workspace_id=member.workspace_id,
        member_id=member.id,
        team_id=member.team_id,
        stress=answer.stress,
        energy=answer.energy,
        tags=list(answer.tags),
        note=answer.note,
        local_date=local_date,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def help_reason(session: Session, member_id: int) -> HelpReason:
    """Whether the latest answers call for coping help (seen by the person only)."""
    rows = session.execute(
        select(CheckIn.local_date, CheckIn.stress)
        .where(CheckIn.member_id == member_id)
        .order_by(CheckIn.local_date.desc(), CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(50)
    ).all()
    if not rows:
        return HelpReason.NONE
    latest_per_day: dict[date, int] = {}
    for day, stress in rows:
        latest_per_day.setdefault(day, stress)
    recent = list(latest_per_day.values())[:HARD_DAYS_IN_A_ROW]
    if len(recent) == HARD_DAYS_IN_A_ROW and all(stress >= HARD_DAY_STRESS for stress in recent):
        return HelpReason.HARD_DAYS
    return HelpReason.HIGH if rows[0][1] >= HIGH_STRESS else HelpReason.NONE


def coping_for(
    coping: CopingLibrary, tags: Iterable[str], seed: int, count: int = 3
) -> tuple[list[CopingTip], BreathingExercise]:
    """Two or three tips matching the tags (or general ones), and one breathing exercise."""
    wanted = set(tags) or {"other"}
    matching = [tip for tip in coping.tips if wanted & set(tip.situations)]
    rng = random.Random(seed)
    rng.shuffle(matching)
    tips = matching[:count]
    if len(tips) < 2:
        rest = [tip for tip in coping.tips if tip not in tips]
        rng.shuffle(rest)
        tips += rest[: 2 - len(tips)]
    return tips, coping.breathing[seed % len(coping.breathing)]


def history(session: Session, member_id: int, today: date, days: int = HISTORY_DAYS) -> list[DayPoint]:
    """The person's own daily averages for the last ``days`` days, oldest first."""
    start = today - timedelta(days=days - 1)
    rows = session.execute(
        select(CheckIn.local_date, CheckIn.stress, CheckIn.energy).where(
            CheckIn.member_id == member_id, CheckIn.local_date >= start, CheckIn.local_date <= today
        )
    )
    stress: dict[date, list[int]] = defaultdict(list)
    energy: dict[date, list[int]] = defaultdict(list)
    for day, s, e in rows:
        stress[day].append(s)
        if e is not None:
            energy[day].append(e)
    points = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        points.append(
            DayPoint(
                day,
                sum(stress[day]) / len(stress[day]) if stress[day] else None,
                sum(energy[day]) / len(energy[day]) if energy[day] else None,
            )
        )
    return points


def delete_own_checkins(session: Session, member_id: int) -> int:
    """The person's own choice: their answers go, and with them their share of team averages."""
    session.execute(delete(CheckInPrompt).where(CheckInPrompt.member_id == member_id))
    result = session.execute(delete(CheckIn).where(CheckIn.member_id == member_id))
    return int(getattr(result, "rowcount", 0) or 0)


# ----- the person's check-in settings ---------------------------------------------------
def preferences(session: Session, member: Member) -> CheckInPrefs:
    row = session.scalar(select(CheckInPreference).where(CheckInPreference.member_id == member.id))
    if row is None:
        return CheckInPrefs(DEFAULT_PROMPT_TIME, member.role in PROMPTED_ROLES, False)
    return CheckInPrefs(row.prompt_time, row.prompts_enabled, row.peer_supporter)


def save_preferences(
    session: Session,
    member: Member,
    now: datetime,
    *,
    prompt_time: str | None = None,
    prompts_enabled: bool | None = None,
    peer_supporter: bool | None = None,
) -> CheckInPrefs:
    current = preferences(session, member)
    row = session.scalar(select(CheckInPreference).where(CheckInPreference.member_id == member.id))
    if row is None:
        row = CheckInPreference(
            workspace_id=member.workspace_id,
            member_id=member.id,
            prompt_time=current.prompt_time,
            prompts_enabled=current.prompts_enabled,
            peer_supporter=current.peer_supporter,
            updated_at=now,
        )
        session.add(row)
    if prompt_time is not None:
        row.prompt_time = prompt_time
    if prompts_enabled is not None:
        row.prompts_enabled = prompts_enabled
    if peer_supporter is not None:
        row.peer_supporter = peer_supporter
    row.updated_at = now
    session.flush()
    return CheckInPrefs(row.prompt_time, row.prompts_enabled, row.peer_supporter)


def parse_settings(
    prompt_time: str | None, prompts: str | None, supporter: str | None
) -> tuple[CheckInPrefs | None, dict[str, str]]:
    errors = {}
    if not prompt_time or not CLOCK_TIME.match(prompt_time):
        errors["prompt_time"] = "checkin.errors.prompt_time"
    if prompts not in ("on", "off"):
        errors["prompts"] = "checkin.errors.prompts"
    if errors:
        return None, errors
    assert prompt_time is not None
    return CheckInPrefs(prompt_time, prompts == "on", supporter == "yes"), {}


# ----- the end-of-day prompt ------------------------------------------------------------
@dataclass(frozen=True)
class DuePrompt:
    member_id: int
    local_date: date


def prompts_due(session: Session, now: datetime, calendars: Calendars) -> list[DuePrompt]:
    """Members whose local prompt time has just passed on a working day, who want prompts,
    are not paused, have not checked in today and were not prompted today."""
    workspaces = {w.id: w for w in session.scalars(select(Workspace))}
    prefs = {p.member_id: p for p in session.scalars(select(CheckInPreference))}
    due: list[DuePrompt] = []
    for member in session.scalars(select(Member).where(Member.active.is_(True))):
        pref = prefs.get(member.id)
        enabled = pref.prompts_enabled if pref else member.role in PROMPTED_ROLES
        if not enabled:
            continue
        workspace = workspaces[member.workspace_id]
        local = now.astimezone(member_zone(member, workspace))
        hours, minutes = (pref.prompt_time if pref else DEFAULT_PROMPT_TIME).split(":")
        start = datetime.combine(local.date(), time(int(hours), int(minutes)), tzinfo=local.tzinfo)
        today = local.date()
        if not start <= local < start + PROMPT_WINDOW:
            continue
        if member.paused_until and member.paused_until >= today:
            continue
        if not calendars(workspace).is_working_day(today):
            continue
        due.append(DuePrompt(member.id, today))
    if not due:
        return []
    ids = [d.member_id for d in due]
    prompted = set(
        session.execute(
            select(CheckInPrompt.member_id, CheckInPrompt.local_date).where(CheckInPrompt.member_id.in_(ids))
        )
    )
    answered = set(session.execute(select(CheckIn.member_id, CheckIn.local_date).where(CheckIn.member_id.in_(ids))))
    return [d for d in due if (d.member_id, d.local_date) not in prompted | answered]


def create_prompt(session: Session, member: Member, local_date: date, now: datetime) -> int | None:
    """The prompt's id, or None when another run already prompted today (unique key)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return session.execute(
        insert(CheckInPrompt)
        .values(workspace_id=member.workspace_id, member_id=member.id, local_date=local_date, created_at=now)
        .on_conflict_do_nothing()
        .returning(CheckInPrompt.id)
    ).scalar()


def claim_prompt(session: Session, prompt_id: int, member_id: int, now: datetime) -> bool:
    """True for the first answer to a prompt; a second click (or another instance) gets False."""
    result = session.execute(
        update(CheckInPrompt)
        .where(CheckInPrompt.id == prompt_id, CheckInPrompt.member_id == member_id, CheckInPrompt.answered_at.is_(None))
        .values(answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def home_summary(session: Session, member: Member, now: datetime) -> tuple[list[DayPoint], bool]:
    """The person's own last four weeks and whether they are a peer supporter (App Home)."""
    points = history(session, member.id, today_for(session, member, now))
    return points, preferences(session, member).peer_supporter
