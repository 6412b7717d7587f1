"""Polls: close the ones whose deadline has passed."""

from __future__ import annotations

from jobs.context import JobContext


def close_due_polls(ctx: JobContext) -> int:
    return 0
