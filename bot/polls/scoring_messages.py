"""Scoring polls as messages: the setup form, judges' invitations and form, the lead's
status card (updated in place) and the results, with their chart."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from bot.core.content.library import ContentLibrary
from bot.core.db.models import Member
from bot.core.outbox import post_message
from bot.core.render import Message, Renderer
from bot.polls.charts import scoring_chart_png
from bot.polls.messages import PendingUpload, deadline_text, people_by_id, reader, update_posted
from bot.polls.models import JudgeScore, PollStatus, ScoringPoll
from bot.polls.scoring import (
    DEFAULT_MIN_SCORES,
    DEFAULT_RUBRIC,
    DISAGREEMENT_POINTS,
    SCALES,
    ScoringResults,
    close_scoring_poll,
    judges_of,
    weighted_total,
)

MAX_COMMENT_SHOWN = 200


def scoring_setup_modal(
    renderer: Renderer, library: ContentLibrary, locale: str, agent: str | None, zone: tzinfo, now: datetime
) -> dict[str, Any]:
    tomorrow = now.astimezone(zone) + timedelta(days=1)
    return renderer.view(
        "score_setup_modal",
        locale,
        agent=agent,
        rubrics=[(rubric.id, rubric.title.get(locale)) for rubric in library.rubrics],
        rubric_id=DEFAULT_RUBRIC,
        scales=list(SCALES),
        day=tomorrow.date().isoformat(),
        clock="18:00",
        timezone=str(zone),
        min_scores=DEFAULT_MIN_SCORES,
    )


def _name(people: dict[str, Member], slack_id: str) -> str:
    member = people.get(slack_id)
    return member.name if member else slack_id


def send_invites(
    session: Session,
    renderer: Renderer,
    library: ContentLibrary,
    poll: ScoringPoll,
    now: datetime,
    *,
    only: list[str] | None = None,
) -> int:
    """DM each judge (or, for a reminder, only those in ``only``) a button to score."""
    judges = only if only is not None else [judge.judge_slack for judge in judges_of(session, poll.id)]
    people = people_by_id(session, poll.workspace_id, [*judges, poll.agent_slack, poll.creator_slack])
    rubric = library.rubric(poll.rubric_id)
    sent = 0
    for judge in judges:
        _, locale, zone = reader(session, poll.workspace_id, judge)
        message = renderer.message(
            "score_invite",
            locale,
            poll_id=poll.id,
            agent=_name(people, poll.agent_slack),
            creator=_name(people, poll.creator_slack),
            rubric_title=rubric.title.get(locale),
            deadline_text=deadline_text(poll.deadline, zone),
            scale_max=poll.scale_max,
            scenario=poll.scenario,
            anonymous=poll.anonymous,
            reminder=only is not None,
        )
        key = (
            f"score-remind:{poll.id}:{judge}:{now:%Y%m%d%H%M}"
            if only is not None
            else f"score-invite:{poll.id}:{judge}"
        )
        sent += post_message(
            session, workspace_id=poll.workspace_id, dedupe_key=key, channel=judge, message=message, now=now
        )
    return sent


def score_form(
    renderer: Renderer, library: ContentLibrary, session: Session, poll: ScoringPoll, judge: str
) -> dict[str, Any]:
    _, locale, zone = reader(session, poll.workspace_id, judge)
    row = next((j for j in judges_of(session, poll.id) if j.judge_slack == judge), None)
    current = {key: f"{float(value):g}" for key, value in ((row.scores if row else None) or {}).items()}
    people = people_by_id(session, poll.workspace_id, [poll.agent_slack])
    return renderer.view(
        "score_form",
        locale,
        poll_id=poll.id,
        agent=_name(people, poll.agent_slack),
        rubric=library.rubric(poll.rubric_id),
        scale_max=poll.scale_max,
        current=current,
        comment=row.comment if row else None,
        deadline_text=deadline_text(poll.deadline, zone),
    )


def confirm_score(
    session: Session, renderer: Renderer, library: ContentLibrary, poll: ScoringPoll, row: JudgeScore, now: datetime
) -> None:
    """A DM to the judge: saved, the total it gives, and until when it can be revised."""
    _, locale, zone = reader(session, poll.workspace_id, row.judge_slack)
    people = people_by_id(session, poll.workspace_id, [poll.agent_slack])
    text = renderer.t(
        locale,
        "scoring.saved",
        agent=_name(people, poll.agent_slack),
        total=f"{weighted_total(library.rubric(poll.rubric_id), row.scores or {}, poll.scale_max):g}",
        deadline=deadline_text(poll.deadline, zone),
    )
    post_message(
        session, workspace_id=poll.workspace_id, channel=row.judge_slack,
        message=renderer.message("notice", locale, text=text),
        dedupe_key=f"score-saved:{poll.id}:{row.judge_slack}:{row.revisions}", now=now,
    )  # fmt: skip


def score_status(renderer: Renderer, session: Session, poll: ScoringPoll, locale: str, zone: tzinfo) -> Message:
    judges = judges_of(session, poll.id)
    people = people_by_id(session, poll.workspace_id, [j.judge_slack for j in judges] + [poll.agent_slack])
    rows = [
        {
            "scored": judge.scores is not None,
            "line": renderer.t(
                locale,
                "scoring.status.judge_done" if judge.scores is not None else "scoring.status.judge_waiting",
                name=_name(people, judge.judge_slack),
            ),
        }
        for judge in judges
    ]
    return renderer.message(
        "score_status",
        locale,
        poll=poll,
        agent=_name(people, poll.agent_slack),
        judges=rows,
        deadline_text=deadline_text(poll.deadline, zone),
        open=poll.status == PollStatus.OPEN,
    )


def post_status(session: Session, renderer: Renderer, poll: ScoringPoll, now: datetime) -> None:
    if not poll.creator_slack:
        return
    _, locale, zone = reader(session, poll.workspace_id, poll.creator_slack)
    message = score_status(renderer, session, poll, locale, zone)
    post_message(
        session, workspace_id=poll.workspace_id, dedupe_key=f"score-status:{poll.id}", channel=poll.creator_slack,
        message=message, now=now,
    )  # fmt: skip


def refresh_status(session: Session, renderer: Renderer, poll: ScoringPoll, now: datetime) -> None:
    if not poll.creator_slack:
        return
    _, locale, zone = reader(session, poll.workspace_id, poll.creator_slack)
    message = score_status(renderer, session, poll, locale, zone)
    key = f"score-status:{poll.id}"
    update_posted(session, poll.workspace_id, key, f"{key}:v{poll.version}", message, now)


def _judge_labels(results: ScoringResults, people: dict[str, Member], renderer: Renderer, locale: str) -> list[str]:
    if results.poll.anonymous:
        return [
            renderer.t(locale, "scoring.results.anonymous_judge", number=n) for n in range(1, len(results.judges) + 1)
        ]
    return [_name(people, judge.judge) for judge in results.judges]


def scoring_results(
    renderer: Renderer, library: ContentLibrary, session: Session, results: ScoringResults, locale: str
) -> Message:
    poll = results.poll
    rubric = library.rubric(poll.rubric_id)
    people = people_by_id(session, poll.workspace_id, [j.judge for j in results.judges] + [poll.agent_slack])
    labels = _judge_labels(results, people, renderer, locale)
    judge_rows = [
        renderer.t(locale, "scoring.results.judge_row", judge=label, total=f"{judge.total:g}")
        for label, judge in zip(labels, results.judges, strict=True)
    ]
    titles = {criterion.id: criterion.title.get(locale) for criterion in rubric.criteria}
    criterion_rows = [
        renderer.t(
            locale,
            "scoring.results.criterion_row",
            criterion=titles[c.criterion_id],
            points=f"{c.points:g}",
            maximum=poll.scale_max,
            percent=f"{c.percent:g}",
        )
        for c in results.criteria
    ]
    comments = [
        renderer.t(locale, "scoring.results.comment_row", judge=label, comment=judge.comment[:MAX_COMMENT_SHOWN])
        for label, judge in zip(labels, results.judges, strict=True)
        if judge.comment
    ]
    if poll.anonymous:
        comments.sort()  # listed in a neutral order, not the judges' order above
    return renderer.message(
        "score_results",
        locale,
        poll=poll,
        agent=_name(people, poll.agent_slack),
        results=results,
        rubric=rubric,
        judge_rows=judge_rows,
        criterion_rows=criterion_rows,
        comments=comments,
        threshold=f"{DISAGREEMENT_POINTS:g}",
    )


def send_results(
    session: Session, renderer: Renderer, library: ContentLibrary, results: ScoringResults, now: datetime
) -> bytes | None:
    """Queue the results to the lead (and the agent when the lead chose so); returns the
    lead's chart, to upload once the transaction has committed."""
    poll = results.poll
    readers = [(poll.creator_slack, "lead")]
    if poll.share_with_agent and results.enough and poll.agent_slack:
        readers.append((poll.agent_slack, "agent"))
    for slack_id, role in readers:
        if not slack_id:
            continue
        _, locale, _ = reader(session, poll.workspace_id, slack_id)
        message = scoring_results(renderer, library, session, results, locale)
        post_message(
            session, workspace_id=poll.workspace_id, dedupe_key=f"score-results:{poll.id}:{role}", channel=slack_id,
            message=message, now=now,
        )  # fmt: skip
    refresh_status(session, renderer, poll, now)
    if not results.enough or not poll.creator_slack:
        return None
    _, locale, _ = reader(session, poll.workspace_id, poll.creator_slack)
    return results_chart(renderer, library, session, results, locale)


def results_chart(
    renderer: Renderer, library: ContentLibrary, session: Session, results: ScoringResults, locale: str
) -> bytes:
    poll = results.poll
    people = people_by_id(session, poll.workspace_id, [j.judge for j in results.judges])
    rubric = library.rubric(poll.rubric_id)
    titles = {criterion.id: criterion.title for criterion in rubric.criteria}
    return scoring_chart_png(
        judges=[
            (str(label), judge.total)
            for label, judge in zip(_judge_labels(results, people, renderer, locale), results.judges, strict=True)
        ],
        criteria=[(titles[c.criterion_id].get(locale), titles[c.criterion_id].en, c.percent) for c in results.criteria],
        mean=results.mean or 0.0,
        labels={
            "judges": renderer.t(locale, "scoring.chart.judges"),
            "criteria": renderer.t(locale, "scoring.chart.criteria"),
            "mean": renderer.t(locale, "scoring.chart.mean"),
        },
        fallback_labels={"judges": "Total per judge (0-100)", "criteria": "Average per criterion (%)", "mean": "mean"},
    )


def close_scoring_poll_and_report(
    session: Session, renderer: Renderer, library: ContentLibrary, poll_id: int, now: datetime
) -> tuple[ScoringResults | None, PendingUpload | None]:
    """Close once, record the practical score and queue the results; (None, None) when
    someone else closed it first. The lead's chart is returned for upload after commit."""
    results = close_scoring_poll(session, poll_id, library, now)
    if results is None:
        return None, None
    png = send_results(session, renderer, library, results, now)
    if png is None:
        return results, None
    poll = results.poll
    _, locale, _ = reader(session, poll.workspace_id, poll.creator_slack)
    title = renderer.t(locale, "scoring.results.chart_title", poll_id=poll.id)
    return results, PendingUpload(poll.creator_slack, png, f"scoring-poll-{poll.id}.png", str(title))
