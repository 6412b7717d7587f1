"""Scheduled work. Each job finds what is due in the database at ``now`` and is safe to
run twice or in several processes at once: the database, not the scheduler, says what
is due, and every message a job writes carries a dedupe key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jobs.certification import send_certification_reminders
from jobs.context import JobContext
from jobs.housekeeping import forget_old_events
from jobs.lead_summary import send_lead_summaries
from jobs.lessons import dispatch_lessons
from jobs.polls import close_due_polls
from jobs.profiles import sync_profiles
from jobs.wellbeing import run_wellbeing_jobs


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[JobContext], int]


JOBS: tuple[Job, ...] = (
    Job("profiles", sync_profiles),
    Job("lessons", dispatch_lessons),
    Job("lead_summaries", send_lead_summaries),
    Job("certification", send_certification_reminders),
    Job("wellbeing", run_wellbeing_jobs),
    Job("polls", close_due_polls),
    Job("housekeeping", forget_old_events),
)


def run_due_jobs(ctx: JobContext) -> dict[str, int]:
    """Run every job once at ``ctx.now``, then deliver what they queued."""
    results = {job.name: job.run(ctx) for job in JOBS}
    if not ctx.settings.slack_bot_token:
        return results  # nothing can be delivered without a token; messages wait in the outbox
    report = ctx.sender.drain(ctx.now)
    results |= {"sent": report.sent, "retried": report.retried, "failed": report.failed}
    return results
