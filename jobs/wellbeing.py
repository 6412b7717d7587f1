"""Wellbeing: check-in prompts and peer-support fallbacks."""

from __future__ import annotations

from jobs.context import JobContext


def run_wellbeing_jobs(ctx: JobContext) -> int:
    return 0
