"""Polls: close the ones whose deadline has passed, exactly once across instances."""

from __future__ import annotations

from bot.polls.quick_polls import due_quick_polls
from bot.polls.scoring import due_scoring_polls
from bot.polls.use_cases import close_quick_poll_and_show, close_scoring_poll_and_report
from jobs.context import JobContext


def close_due_polls(ctx: JobContext) -> int:
    """Each poll closes in its own transaction with a conditional UPDATE: a second run or
    instance finds it closed and does nothing."""
    with ctx.sessions() as session:
        quick = due_quick_polls(session, ctx.now)
        scoring = due_scoring_polls(session, ctx.now)
    notifier = ctx.notifier
    closed = ctx.one_by_one(
        "polls", quick, lambda session, poll_id: int(close_quick_poll_and_show(session, notifier, poll_id))
    )
    for poll_id, workspace_id in scoring:
        with ctx.sessions.begin() as session:
            results, chart = close_scoring_poll_and_report(session, notifier, poll_id)
        closed += results is not None
        if chart is not None:
            chart.upload(ctx.client_for(workspace_id))
    return closed
