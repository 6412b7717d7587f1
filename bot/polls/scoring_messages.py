"""Scoring polls as messages: the setup form, judges' invitations and form, the lead's
status card (updated in place) and the results, with their chart."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from bot.core.block_budget import MAX_BLOCKS, pack_lines
from bot.core.content.library import ContentLibrary
from bot.core.content.schema import Criterion, Rubric
from bot.core.db.models import Member
from bot.core.errors import UserError
from bot.core.i18n import Trusted
from bot.core.render import Message, Renderer, clip
from bot.polls.charts import scoring_chart_png
from bot.polls.messages import deadline_text, people_by_id, reader
from bot.polls.models import PollStatus, ScoringPoll
from bot.polls.scoring import (
    DEFAULT_MIN_SCORES,
    DEFAULT_RUBRIC,
    DISAGREEMENT_POINTS,
    SCALES,
    JudgeTotal,
    ScoringResults,
    judges_of,
)

MAX_COMMENT_SHOWN = 200
# Slack refuses a section over 3,000 characters and a message over 50 blocks: a criterion
# is one section, its band descriptions shortened (never cut inside an escape) to fit.
SECTION_LIMIT = 2900


def _points(value: float) -> str:
    return f"{round(value, 1):g}"


def _fitted(renderer: Renderer, locale: str, key: str, budget: int, description: str, **params: object) -> Trusted:
    """The catalog line with as much of ``description`` as fits ``budget`` once escaped."""
    text, line = description, renderer.t(locale, key, description=description, **params)
    while len(line) > budget and text:
        text = text[: max(0, len(text) - (len(line) - budget) - 1)]
        line = renderer.t(locale, key, description=text + "…", **params)
    return line


def criterion_text(renderer: Renderer, locale: str, criterion: Criterion, scale_max: int | None) -> Trusted:
    """A criterion with every band's description: on a judge's form the bands in points of
    the poll's scale, in the published rubric as a share of the criterion's points."""
    budget = SECTION_LIMIT // (len(criterion.bands) + 1)
    heading = renderer.t(locale, "scoring.rubric.criterion", title=criterion.title.get(locale), weight=criterion.weight)
    bands = [
        _fitted(
            renderer,
            locale,
            "scoring.rubric.band_points" if scale_max else "scoring.rubric.band_percent",
            budget,
            band.description.get(locale),
            label=band.label.get(locale),
            points=_points(band.min_percent * scale_max / 100) if scale_max else "",
            percent=band.min_percent,
        )
        for band in criterion.bands
    ]
    return Trusted("\n".join([str(heading)[:budget], *map(str, bands)]))


def rubric_messages(renderer: Renderer, library: ContentLibrary, locale: str, rubric_id: str | None) -> list[Message]:
    """The published rubrics (or one), as few ephemeral messages as Slack's limits allow."""
    rubrics: list[Rubric] = list(library.rubrics)
    if rubric_id is not None:
        rubrics = [r for r in rubrics if r.id == rubric_id.lower()]
        if not rubrics:
            ids = ", ".join(f"`{r.id}`" for r in library.rubrics)
            raise UserError("cert.errors.unknown_rubric", rubric=rubric_id[:40], rubrics=Trusted(ids))
    sections: list[dict[str, Any]] = []
    for rubric in rubrics:
        sections.append(
            {"title": renderer.t(locale, "scoring.rubric.title", title=rubric.title.get(locale), id=rubric.id)}
        )
        sections += [{"text": criterion_text(renderer, locale, c, None)} for c in rubric.criteria]
    parts: list[list[dict[str, Any]]] = [[]]
    used = 1  # the first part's intro
    for section in sections:
        cost = 2 if "title" in section else 1  # a rubric's title comes after a divider
        if used + cost > MAX_BLOCKS:
            parts, used = [*parts, []], 0
        parts[-1].append(section)
        used += cost
    return [
        renderer.message(
            "rubric",
            locale,
            fallback=renderer.t(locale, "scoring.rubric.fallback"),
            intro=renderer.t(locale, "scoring.rubric.intro") if number == 1 else None,
            sections=part,
        )
        for number, part in enumerate(parts, start=1)
    ]


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


def display_name(people: dict[str, Member], slack_id: str) -> str:
    """A roster member's name, else the Slack id (someone outside the roster)."""
    member = people.get(slack_id)
    return member.name if member else slack_id


def score_form(
    renderer: Renderer, library: ContentLibrary, session: Session, poll: ScoringPoll, judge: str
) -> dict[str, Any]:
    _, locale, zone = reader(session, poll.workspace_id, judge)
    row = next((j for j in judges_of(session, poll.id) if j.judge_slack == judge), None)
    current = {key: f"{float(value):g}" for key, value in ((row.scores if row else None) or {}).items()}
    people = people_by_id(session, poll.workspace_id, [poll.agent_slack])
    rubric = library.rubric(poll.rubric_id)
    return renderer.view(
        "score_form",
        locale,
        poll_id=poll.id,
        agent=display_name(people, poll.agent_slack),
        rubric=rubric,
        criteria={c.id: criterion_text(renderer, locale, c, poll.scale_max) for c in rubric.criteria},
        scale_max=poll.scale_max,
        current=current,
        comment=row.comment if row else None,
        deadline_text=deadline_text(poll.deadline, zone),
    )


def score_status(renderer: Renderer, session: Session, poll: ScoringPoll, locale: str, zone: tzinfo) -> Message:
    judges = judges_of(session, poll.id)
    people = people_by_id(session, poll.workspace_id, [j.judge_slack for j in judges] + [poll.agent_slack])
    rows = [
        {
            "scored": judge.scores is not None,
            "line": renderer.t(
                locale,
                "scoring.status.judge_done" if judge.scores is not None else "scoring.status.judge_waiting",
                name=display_name(people, judge.judge_slack),
            ),
        }
        for judge in judges
    ]
    return renderer.message(
        "score_status",
        locale,
        poll=poll,
        agent=display_name(people, poll.agent_slack),
        judges=rows,
        deadline_text=deadline_text(poll.deadline, zone),
        open=poll.status == PollStatus.OPEN,
    )


def _judge_rows(
    results: ScoringResults, people: dict[str, Member], renderer: Renderer, locale: str
) -> list[tuple[str, JudgeTotal]]:
    """(label, judge) pairs. Anonymous polls: no names and no numbers, in order of total, so
    nothing links a row to the invitation order on the lead's status card."""
    if results.poll.anonymous:
        ranked = sorted(results.judges, key=lambda judge: (-judge.total, judge.comment or ""))
        return [("", judge) for judge in ranked]
    return [(display_name(people, judge.judge), judge) for judge in results.judges]


def scoring_results(
    renderer: Renderer, library: ContentLibrary, session: Session, results: ScoringResults, locale: str
) -> Message:
    poll = results.poll
    rubric = library.rubric(poll.rubric_id)
    people = people_by_id(session, poll.workspace_id, [j.judge for j in results.judges] + [poll.agent_slack])
    rows = _judge_rows(results, people, renderer, locale)
    judge_rows = [
        renderer.t(locale, "scoring.results.judge_row", judge=label, total=f"{judge.total:g}")
        if label
        else renderer.t(locale, "scoring.results.anonymous_row", total=f"{judge.total:g}")
        for label, judge in rows
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
        renderer.t(locale, "scoring.results.comment_row", judge=label, comment=clip(judge.comment, MAX_COMMENT_SHOWN))
        if label
        else renderer.t(locale, "scoring.results.anonymous_comment", comment=clip(judge.comment, MAX_COMMENT_SHOWN))
        for label, judge in rows
        if judge.comment
    ]
    if poll.anonymous:
        comments.sort()  # a neutral order: neither the invitation order nor the order of the totals
    return renderer.message(
        "score_results",
        locale,
        poll=poll,
        agent=display_name(people, poll.agent_slack),
        results=results,
        rubric=rubric,
        judge_rows=judge_rows,
        criterion_rows=criterion_rows,
        # every comment of a 12-judge panel, however much escaping grew it, within Slack's limits
        comments=pack_lines([renderer.t(locale, "scoring.results.comments"), *comments], max_sections=12).sections
        if comments
        else [],
        threshold=f"{DISAGREEMENT_POINTS:g}",
    )


def results_chart(
    renderer: Renderer, library: ContentLibrary, session: Session, results: ScoringResults, locale: str
) -> bytes:
    poll = results.poll
    people = people_by_id(session, poll.workspace_id, [j.judge for j in results.judges])
    rubric = library.rubric(poll.rubric_id)
    titles = {criterion.id: criterion.title for criterion in rubric.criteria}
    return scoring_chart_png(
        judges=[(label, judge.total) for label, judge in _judge_rows(results, people, renderer, locale)],
        criteria=[(titles[c.criterion_id].get(locale), titles[c.criterion_id].en, c.percent) for c in results.criteria],
        mean=results.mean or 0.0,
        labels={
            "judges": renderer.t(locale, "scoring.chart.judges"),
            "criteria": renderer.t(locale, "scoring.chart.criteria"),
            "mean": renderer.t(locale, "scoring.chart.mean"),
        },
        fallback_labels={"judges": "Total per judge (0-100)", "criteria": "Average per criterion (%)", "mean": "mean"},
    )
