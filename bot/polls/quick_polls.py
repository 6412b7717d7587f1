"""Quick polls: one vote row per person per poll, changed until the poll closes.

Each change bumps the poll's ``version`` with a conditional UPDATE that only matches an
open poll: that one statement refuses votes on a closed poll, serialises votes on the
same poll (it takes the row's write lock first), and gives every message update a
dedupe key of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.core.db.models import Member, Role
from bot.core.errors import UserError
from bot.core.spreadsheets import write_table
from bot.polls.arguments import PollSpec
from bot.polls.models import JudgeScore, PollStatus, PracticalScore, QuickPoll, QuickVote, ScoringPoll


class VoteStatus(StrEnum):
    RECORDED = "recorded"
    CLOSED = "closed"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class VoteOutcome:
    status: VoteStatus
    poll: QuickPoll | None = None
    choices: tuple[int, ...] = ()
    changed: bool = False  # a repeated click changes nothing, and the message needs no update


@dataclass(frozen=True)
class Tally:
    counts: list[int]
    voters: int

    def share(self, index: int) -> float:
        return self.counts[index] / self.voters if self.voters else 0.0


def create_quick_poll(
    session: Session, *, workspace_id: str, creator: str, channel: str, spec: PollSpec, locale: str, now: datetime
) -> QuickPoll:
    poll = QuickPoll(
        workspace_id=workspace_id,
        creator_slack=creator,
        channel_id=channel,
        question=spec.question,
        options=list(spec.options),
        anonymous=spec.anonymous,
        multi=spec.multi,
        hidden=spec.hidden,
        deadline=spec.deadline,
        locale=locale,
        status=PollStatus.OPEN,
        version=0,
        created_at=now,
    )
    session.add(poll)
    session.flush()
    return poll


def find_quick_poll(session: Session, workspace_id: str, poll_id: int) -> QuickPoll:
    poll = session.get(QuickPoll, poll_id)
    if poll is None or poll.workspace_id != workspace_id:
        raise UserError("polls.errors.no_such_poll", poll_id=poll_id)
    return poll


def vote(session: Session, workspace_id: str, poll_id: int, voter: str, option: int, now: datetime) -> VoteOutcome:
    """Single choice: the click replaces the vote. Several choices: the click toggles that option."""
    bumped = session.execute(
        update(QuickPoll)
        .where(
            QuickPoll.id == poll_id,
            QuickPoll.workspace_id == workspace_id,
            QuickPoll.status == PollStatus.OPEN,
            (QuickPoll.deadline.is_(None)) | (QuickPoll.deadline > now),
        )
        .values(version=QuickPoll.version + 1)
        .returning(QuickPoll.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    poll = session.get(QuickPoll, poll_id)
    if poll is not None:
        session.refresh(poll)
    if poll is None or poll.workspace_id != workspace_id or not 0 <= option < len(poll.options):
        return VoteOutcome(VoteStatus.UNAVAILABLE)
    if bumped is None:
        return VoteOutcome(VoteStatus.CLOSED, poll)
    current = session.scalar(select(QuickVote).where(QuickVote.poll_id == poll_id, QuickVote.voter_slack == voter))
    chosen = set(current.choices) if current else set()
    if poll.multi:
        chosen ^= {option}
    else:
        chosen = {option}
    choices = sorted(chosen)
    if current is not None and sorted(current.choices) == choices:
        return VoteOutcome(VoteStatus.RECORDED, poll, tuple(choices))
    if not choices:
        session.execute(delete(QuickVote).where(QuickVote.poll_id == poll_id, QuickVote.voter_slack == voter))
    else:
        _upsert_vote(session, poll, voter, choices, now)
    session.flush()
    return VoteOutcome(VoteStatus.RECORDED, poll, tuple(choices), changed=True)


def _upsert_vote(session: Session, poll: QuickPoll, voter: str, choices: list[int], now: datetime) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(QuickVote).values(
        workspace_id=poll.workspace_id, poll_id=poll.id, voter_slack=voter, choices=choices, voted_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[QuickVote.poll_id, QuickVote.voter_slack],
            set_={"choices": choices, "voted_at": now},
        )
    )


def tally(session: Session, poll: QuickPoll) -> Tally:
    counts = [0] * len(poll.options)
    voters = 0
    for choices in session.scalars(select(QuickVote.choices).where(QuickVote.poll_id == poll.id)):
        voters += 1
        for index in set(choices):
            if 0 <= index < len(counts):
                counts[index] += 1
    return Tally(counts, voters)


def may_close(poll: QuickPoll, member: Member | None, slack_id: str) -> bool:
    return slack_id == poll.creator_slack or (member is not None and member.role == Role.ADMIN)


def close_quick_poll(session: Session, poll_id: int, now: datetime) -> bool:
    """True for the one caller that closed it; a second closer (or instance) gets False."""
    result = session.execute(
        update(QuickPoll)
        .where(QuickPoll.id == poll_id, QuickPoll.status == PollStatus.OPEN)
        .values(status=PollStatus.CLOSED, closed_at=now, version=QuickPoll.version + 1)
        .execution_options(synchronize_session=False)
    )
    closed = bool(getattr(result, "rowcount", 0))
    poll = session.get(QuickPoll, poll_id)
    if poll is not None:
        session.refresh(poll)
    return closed


def due_quick_polls(session: Session, now: datetime) -> list[int]:
    rows = session.scalars(
        select(QuickPoll.id).where(
            QuickPoll.status == PollStatus.OPEN, QuickPoll.deadline.is_not(None), QuickPoll.deadline <= now
        )
    )
    return list(rows)


def export_csv(session: Session, poll: QuickPoll) -> bytes:
    """CSV with the BOM Excel needs for Chinese. Anonymous polls give counts only: no voter
    ids, names or vote times (which could identify)."""
    counts = tally(session, poll)
    roster = session.execute(select(Member.slack_id, Member.name).where(Member.workspace_id == poll.workspace_id))
    names = {str(slack_id): str(name) for slack_id, name in roster}
    if poll.anonymous:
        return write_table(["option", "votes"], [(option, counts.counts[i]) for i, option in enumerate(poll.options)])
    votes = session.scalars(select(QuickVote).where(QuickVote.poll_id == poll.id).order_by(QuickVote.voted_at))
    rows = [
        (names.get(v.voter_slack, ""), v.voter_slack, " | ".join(poll.options[i] for i in v.choices), v.voted_at)
        for v in votes
    ]
    return write_table(["name", "slack_id", "choices", "voted_at"], [(*r[:3], r[3].isoformat()) for r in rows])


def forget_poll_data(
    session: Session, workspace_id: str, member_id: int, slack_id: str, now: datetime
) -> dict[str, int]:
    """Erase a person's votes, judge scores and comments, and practical scores.

    Polls they created stay for the others who answered, with the creator anonymised;
    scoring polls about them are closed, lose their scores and the link to them.
    """
    del now  # erasure is immediate; kept for the privacy service's common signature
    votes = session.execute(
        delete(QuickVote).where(QuickVote.workspace_id == workspace_id, QuickVote.voter_slack == slack_id)
    )
    judged = session.execute(
        delete(JudgeScore).where(JudgeScore.workspace_id == workspace_id, JudgeScore.judge_slack == slack_id)
    )
    about_ids = select(ScoringPoll.id).where(
        ScoringPoll.workspace_id == workspace_id, ScoringPoll.agent_slack == slack_id
    )
    judged_about = session.execute(delete(JudgeScore).where(JudgeScore.poll_id.in_(about_ids)))
    practical = session.execute(
        delete(PracticalScore).where(PracticalScore.workspace_id == workspace_id, PracticalScore.member_id == member_id)
    )
    about = session.execute(
        update(ScoringPoll)
        .where(ScoringPoll.workspace_id == workspace_id, ScoringPoll.agent_slack == slack_id)
        .values(agent_id=None, agent_slack="", status=PollStatus.CLOSED, scenario=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ScoringPoll)
        .where(ScoringPoll.workspace_id == workspace_id, ScoringPoll.creator_slack == slack_id)
        .values(creator_id=None, creator_slack="")
        .execution_options(synchronize_session=False)
    )
    created = session.execute(
        update(QuickPoll)
        .where(QuickPoll.workspace_id == workspace_id, QuickPoll.creator_slack == slack_id)
        .values(creator_slack="")
        .execution_options(synchronize_session=False)
    )
    return {
        "poll_votes": _count(votes),
        "judge_scores": _count(judged) + _count(judged_about),
        "practical_scores": _count(practical),
        "scoring_polls_about": _count(about),
        "polls_created": _count(created),
    }


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
