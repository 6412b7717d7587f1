"""Scoring polls: a panel of judges scores an agent's practical assessment on a rubric.

Each judge has one row per poll, revised in place until the deadline. Closing is one
conditional UPDATE, so a deadline close runs once however many instances tick; the mean
weighted total becomes the agent's practical score for certification.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.certification.rules import parse_score
from bot.core.audit import record
from bot.core.content.library import ContentLibrary
from bot.core.content.schema import Rubric
from bot.core.db.models import Member, Role
from bot.core.errors import UserError
from bot.core.slack_text import parse_count
from bot.people.members import find_member
from bot.people.teams import acts_for
from bot.polls.arguments import deadline_from_picker
from bot.polls.models import JudgeScore, PollStatus, PracticalScore, ScoringPoll

SCALES = (10, 100)
DEFAULT_RUBRIC = "practical_default"
DEFAULT_MIN_SCORES = 2
MAX_JUDGES = 12
MAX_COMMENT = 1000
# Judges whose totals are further apart than this (out of 100) disagree strongly.
DISAGREEMENT_POINTS = 15.0


@dataclass(frozen=True)
class ScoringSetup:
    agent: str
    judges: tuple[str, ...]
    rubric_id: str
    scale_max: int
    deadline: datetime
    anonymous: bool = False
    share_with_agent: bool = False
    min_scores: int = DEFAULT_MIN_SCORES
    scenario: str | None = None


@dataclass(frozen=True)
class JudgeTotal:
    judge: str  # Slack id
    total: float  # 0-100
    comment: str | None


@dataclass(frozen=True)
class CriterionAverage:
    criterion_id: str
    points: float  # on the poll's scale
    percent: float


@dataclass(frozen=True)
class ScoringResults:
    poll: ScoringPoll
    judges: list[JudgeTotal]
    criteria: list[CriterionAverage]
    invited: int

    @property
    def enough(self) -> bool:
        return len(self.judges) >= self.poll.min_scores

    @property
    def totals(self) -> list[float]:
        return [judge.total for judge in self.judges]

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.totals), 1) if self.judges else None

    @property
    def median(self) -> float | None:
        return round(statistics.median(self.totals), 1) if self.judges else None

    @property
    def spread(self) -> float | None:
        return round(max(self.totals) - min(self.totals), 1) if self.judges else None

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread > DISAGREEMENT_POINTS


# ----- setting up ------------------------------------------------------------------------
def parse_setup(
    *,
    agent: str | None,
    judges: list[str],
    rubric_id: str | None,
    scale: str | None,
    day: str | None,
    clock: str | None,
    min_scores: str | None,
    options: list[str],
    scenario: str | None,
    zone: tzinfo,
    now: datetime,
) -> tuple[ScoringSetup, dict[str, UserError]]:
    """The setup modal's raw values -> a setup and block id -> what is wrong (check_setup adds the rest)."""
    errors: dict[str, UserError] = {}
    try:
        deadline = deadline_from_picker(day, clock, zone, now)
    except UserError as error:
        errors["deadline_date"] = error
    scale_max = parse_count(scale or "", maximum=1000) or 0
    minimum = parse_count(min_scores or "", maximum=1000) or 0
    setup = ScoringSetup(
        agent=agent or "",
        judges=tuple(dict.fromkeys(judges)),
        rubric_id=rubric_id or "",
        scale_max=scale_max,
        deadline=now if errors else deadline,
        anonymous="anonymous" in options,
        share_with_agent="share_with_agent" in options,
        min_scores=minimum,
        scenario=(scenario or "").strip()[:2000] or None,
    )
    return setup, errors


def check_setup(
    setup: ScoringSetup, library: ContentLibrary, session: Session, creator: Member
) -> dict[str, UserError]:
    """Field (block id) -> what is wrong; empty when the poll can be created. A lead scores
    only the people of the teams they lead (the score pre-fills their assessment)."""
    errors: dict[str, UserError] = {}
    workspace_id = creator.workspace_id
    agent = find_member(session, workspace_id, setup.agent) if setup.agent else None
    if agent is None or not agent.active:
        errors["agent"] = UserError("scoring.errors.agent_not_in_roster")
    elif agent.id == creator.id:
        errors["agent"] = UserError("cert.errors.self_assessment")
    elif not acts_for(session, creator, agent):
        errors["agent"] = UserError("cert.errors.not_your_team")
    if setup.agent in setup.judges:
        errors["judges"] = UserError("scoring.errors.self_judging")
    elif not setup.judges:
        errors["judges"] = UserError("scoring.errors.no_judges")
    elif len(setup.judges) > MAX_JUDGES:
        errors["judges"] = UserError("scoring.errors.too_many_judges", maximum=MAX_JUDGES)
    else:
        outsiders = [j for j in setup.judges if (m := find_member(session, workspace_id, j)) is None or not m.active]
        if outsiders:
            errors["judges"] = UserError("scoring.errors.judge_not_in_roster", count=len(outsiders))
    if setup.rubric_id not in {rubric.id for rubric in library.rubrics}:
        errors["rubric"] = UserError("scoring.errors.rubric")
    if setup.scale_max not in SCALES:
        errors["scale"] = UserError("scoring.errors.scale")
    if not 1 <= setup.min_scores <= MAX_JUDGES:
        errors["min_scores"] = UserError("scoring.errors.min_scores", maximum=MAX_JUDGES)
    return errors


def create_scoring_poll(
    session: Session, workspace_id: str, creator: Member, setup: ScoringSetup, now: datetime
) -> ScoringPoll:
    agent = find_member(session, workspace_id, setup.agent)
    poll = ScoringPoll(
        workspace_id=workspace_id,
        creator_id=creator.id,
        creator_slack=creator.slack_id,
        agent_id=agent.id if agent else None,
        agent_slack=setup.agent,
        rubric_id=setup.rubric_id,
        scale_max=setup.scale_max,
        deadline=setup.deadline,
        anonymous=setup.anonymous,
        share_with_agent=setup.share_with_agent,
        min_scores=setup.min_scores,
        scenario=(setup.scenario or "").strip() or None,
        status=PollStatus.OPEN,
        version=0,
        created_at=now,
    )
    session.add(poll)
    session.flush()
    for judge in dict.fromkeys(setup.judges):
        member = find_member(session, workspace_id, judge)
        session.add(
            JudgeScore(
                workspace_id=workspace_id,
                poll_id=poll.id,
                judge_id=member.id if member else None,
                judge_slack=judge,
                revisions=0,
            )
        )
    session.flush()
    return poll


def find_scoring_poll(session: Session, workspace_id: str, poll_id: int) -> ScoringPoll:
    poll = session.get(ScoringPoll, poll_id)
    if poll is None or poll.workspace_id != workspace_id:
        raise UserError("scoring.errors.no_such_poll", poll_id=poll_id)
    return poll


def judges_of(session: Session, poll_id: int) -> list[JudgeScore]:
    return list(session.scalars(select(JudgeScore).where(JudgeScore.poll_id == poll_id).order_by(JudgeScore.id)))


def may_manage(poll: ScoringPoll, member: Member | None) -> bool:
    """The lead who opened it, or an admin, reminds and closes."""
    return member is not None and (member.slack_id == poll.creator_slack or member.role == Role.ADMIN)


def open_polls_by(session: Session, workspace_id: str, creator: str) -> list[ScoringPoll]:
    return list(
        session.scalars(
            select(ScoringPoll)
            .where(
                ScoringPoll.workspace_id == workspace_id,
                ScoringPoll.creator_slack == creator,
                ScoringPoll.status == PollStatus.OPEN,
            )
            .order_by(ScoringPoll.deadline)
        )
    )


def waiting_judges(session: Session, poll_id: int) -> list[str]:
    return [judge.judge_slack for judge in judges_of(session, poll_id) if judge.scores is None]


# ----- scoring ---------------------------------------------------------------------------
def parse_scores(
    rubric: Rubric, scale_max: int, raw: dict[str, str | None], locale: str
) -> tuple[dict[str, float] | None, dict[str, UserError]]:
    """Criterion id -> points; or criterion id -> what is wrong. Read by the one score
    parser every form shares (half points and two decimals allowed, 0 to the scale)."""
    scores: dict[str, float] = {}
    errors: dict[str, UserError] = {}
    for criterion in rubric.criteria:
        try:
            scores[criterion.id] = float(
                parse_score(raw.get(criterion.id) or "", criterion.title.get(locale), scale_max)
            )
        except UserError as error:
            errors[criterion.id] = error
    return (None, errors) if errors else (scores, {})


def save_score(
    session: Session,
    poll_id: int,
    workspace_id: str,
    judge: str,
    scores: dict[str, float],
    comment: str | None,
    now: datetime,
) -> JudgeScore:
    """Record or revise a judge's score; refused once the deadline has passed or the poll closed."""
    bumped = session.execute(
        update(ScoringPoll)
        .where(
            ScoringPoll.id == poll_id,
            ScoringPoll.workspace_id == workspace_id,
            ScoringPoll.status == PollStatus.OPEN,
            ScoringPoll.deadline > now,
        )
        .values(version=ScoringPoll.version + 1)
        .returning(ScoringPoll.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    row = session.scalar(select(JudgeScore).where(JudgeScore.poll_id == poll_id, JudgeScore.judge_slack == judge))
    if row is None or row.workspace_id != workspace_id:
        raise UserError("scoring.errors.not_a_judge")
    if bumped is None:
        raise UserError("scoring.errors.closed")
    row.revisions = row.revisions + 1 if row.scores is not None else 0
    row.scores = dict(scores)
    row.comment = (comment or "").strip()[:MAX_COMMENT] or None
    row.scored_at = now
    session.flush()
    poll = session.get(ScoringPoll, poll_id)
    if poll is not None:
        session.refresh(poll)
    return row


def weighted_total(rubric: Rubric, scores: dict[str, Any], scale_max: int) -> float:
    """0-100: each criterion's share of the scale times its weight (weights add up to 100)."""
    total = sum(c.weight * float(scores.get(c.id, 0)) / scale_max for c in rubric.criteria)
    return round(total, 1)


def results_of(session: Session, poll: ScoringPoll, rubric: Rubric) -> ScoringResults:
    judges = judges_of(session, poll.id)
    scored = [judge for judge in judges if judge.scores is not None]
    totals = [
        JudgeTotal(j.judge_slack, weighted_total(rubric, j.scores or {}, poll.scale_max), j.comment) for j in scored
    ]
    criteria = []
    for criterion in rubric.criteria:
        values = [float((j.scores or {}).get(criterion.id, 0)) for j in scored]
        points = statistics.fmean(values) if values else 0.0
        criteria.append(CriterionAverage(criterion.id, round(points, 1), round(100 * points / poll.scale_max, 1)))
    return ScoringResults(poll, totals, criteria, len(judges))


def close_scoring_poll(session: Session, poll_id: int, library: ContentLibrary, now: datetime) -> ScoringResults | None:
    """Close once: the caller whose UPDATE matched gets the results; everyone else None.

    With enough scores the mean total is recorded as the agent's practical score; with
    too few the poll is marked "not enough scores" and nothing is recorded.
    """
    result = session.execute(
        update(ScoringPoll)
        .where(ScoringPoll.id == poll_id, ScoringPoll.status == PollStatus.OPEN)
        .values(status=PollStatus.CLOSED, closed_at=now, version=ScoringPoll.version + 1)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return None
    poll = session.get(ScoringPoll, poll_id)
    assert poll is not None
    session.refresh(poll)
    outcome = results_of(session, poll, library.rubric(poll.rubric_id))
    if not outcome.enough:
        poll.status = PollStatus.NOT_ENOUGH
    elif poll.agent_id is not None and outcome.mean is not None:
        session.add(
            PracticalScore(
                workspace_id=poll.workspace_id,
                member_id=poll.agent_id,
                poll_id=poll.id,
                score=outcome.mean,
                recorded_at=now,
            )
        )
        record(
            session,
            workspace_id=poll.workspace_id,
            actor="system",
            action="practical_score.recorded",
            now=now,
            subject=poll.agent_slack,
            detail={"poll_id": poll.id, "score": outcome.mean, "judges": len(outcome.judges)},
        )
    session.flush()
    return outcome


def due_scoring_polls(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(poll id, workspace id) of open polls past their deadline."""
    rows = session.execute(
        select(ScoringPoll.id, ScoringPoll.workspace_id).where(
            ScoringPoll.status == PollStatus.OPEN, ScoringPoll.deadline <= now
        )
    )
    return [(int(poll_id), str(workspace_id)) for poll_id, workspace_id in rows]


def latest_practical_score(session: Session, member_id: int) -> tuple[float, int] | None:
    """(score 0-100, poll id) of the member's most recent practical assessment, for certification."""
    row = session.execute(
        select(PracticalScore.score, PracticalScore.poll_id)
        .where(PracticalScore.member_id == member_id)
        .order_by(PracticalScore.recorded_at.desc(), PracticalScore.id.desc())
        .limit(1)
    ).first()
    return (float(row[0]), int(row[1])) if row else None
