"""Certification reminders and the HR digest."""

from __future__ import annotations

from jobs.context import JobContext


def send_certification_reminders(ctx: JobContext) -> int:
    return 0
