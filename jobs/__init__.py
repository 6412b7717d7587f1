"""Scheduled work. Each job finds what is due in the database at ``now`` and is safe to
run twice or in several processes at once: the database, not the scheduler, says what
is due, and every message a job writes carries a dedupe key."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.job_runs import record_run
from bot.core.metrics import JOB_DURATION, JOB_FAILURES, record_drain
from bot.core.outbox import pending_count
from jobs.certification import hand_in_overdue_exams, send_certification_reminders
from jobs.context import JobContext
from jobs.delivery_report import report_failed_deliveries
from jobs.housekeeping import forget_old_events
from jobs.lead_summary import send_lead_summaries
from jobs.lessons import dispatch_lessons
from jobs.polls import close_due_polls
from jobs.profiles import sync_profiles
from jobs.wellbeing import run_wellbeing_jobs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[JobContext], int]


JOBS: tuple[Job, ...] = (
    Job("profiles", sync_profiles),
    Job("lessons", dispatch_lessons),
    Job("lead_summaries", send_lead_summaries),
    Job("certification", send_certification_reminders),
    Job("exams", hand_in_overdue_exams),
    Job("wellbeing", run_wellbeing_jobs),
    Job("polls", close_due_polls),
    Job("housekeeping", forget_old_events),
    Job("delivery_report", report_failed_deliveries),
)


FAILED = -1  # a job's result when it raised: logged with its name, counted, run again next tick


def run_due_jobs(ctx: JobContext) -> dict[str, int]:
    """Run every job once at ``ctx.now``, then deliver what they queued. One job's failure
    never stops the others (each job also isolates its own items): it is logged, counted
    in ``coachbot_job_failures`` and, being idempotent, simply runs again next tick."""
    results: dict[str, int] = {}
    for job in JOBS:
        try:
            results[job.name] = timed(job, ctx)
        except Exception:
            log.exception("job %s failed at %s; the others go on", job.name, ctx.now.isoformat())
            JOB_FAILURES.labels(job=job.name).inc()
            results[job.name] = FAILED
    if ctx.settings.can_deliver:  # without a token messages wait in the outbox
        report = ctx.sender.drain(ctx.now)
        record_drain(report)
        results |= {"sent": report.sent, "retried": report.retried, "failed": report.failed}
    with ctx.sessions() as session:
        results["pending"] = pending_count(session)
    return results


def timed(job: Job, ctx: JobContext) -> int:
    """Run one job, observing its duration (metrics) and recording its last run (`coachbot status`)."""
    started = time.perf_counter()
    error: str | None = None
    result = 0
    try:
        result = job.run(ctx)
        return result
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        elapsed = time.perf_counter() - started
        JOB_DURATION.labels(job=job.name).observe(elapsed)
        try:
            with ctx.sessions.begin() as session:
                record_run(session, job.name, ctx.now, elapsed, result, error)
        except Exception:  # bookkeeping must never stop the jobs themselves
            log.exception("could not record the run of job %s", job.name)
