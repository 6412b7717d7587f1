"""Certification reminders (agent and lead per certificate, HR once per stage) and the weekly HR digest.

Each reminder is claimed and told in its own transaction, so one failure stops only that
item, and a second run or instance finds the stage already claimed; then HR hears of the
claimed ones in one message per stage (exactly once: see use_cases.tell_hr)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.certification.exams import overdue_attempts
from bot.certification.models import Certificate
from bot.certification.reminders import DueReminder, due_reminders
from bot.certification.use_cases import hand_in_overdue, post_weekly_digest, remind, tell_hr
from bot.core.db.models import Workspace
from jobs.context import JobContext


def send_certification_reminders(ctx: JobContext) -> int:
    with ctx.sessions() as session:
        workspace_ids = list(session.scalars(select(Workspace.id)))
    notifier = ctx.notifier
    sent = 0
    for workspace_id in workspace_ids:
        with ctx.sessions() as session:
            workspace = session.get(Workspace, workspace_id)
            assert workspace is not None
            today = ctx.now.astimezone(ZoneInfo(workspace.timezone)).date()
            due = [(d.certificate_id, d.stage) for d in due_reminders(session, ctx.content.rules, workspace_id, today)]

        def remind_one(session: Session, due: tuple[int, str], today: date = today) -> int:
            certificate_id, stage = due
            cert = session.get(Certificate, certificate_id)
            if cert is None:
                return 0
            return remind(session, notifier, DueReminder(cert, stage, (cert.valid_until - today).days))

        sent += ctx.one_by_one("certificate_reminders", due, remind_one)
        with ctx.sessions.begin() as session:  # HR: the day's reminders by stage, after they are all claimed
            workspace = session.get(Workspace, workspace_id)
            assert workspace is not None
            tell_hr(session, ctx.notifier, workspace, today, _hr_channel(ctx, workspace))
        with ctx.sessions.begin() as session:
            workspace = session.get(Workspace, workspace_id)
            assert workspace is not None
            post_weekly_digest(session, ctx.notifier, workspace, _hr_channel(ctx, workspace))
    return sent


def hand_in_overdue_exams(ctx: JobContext) -> int:
    """Exams whose time ran out with the modal closed: what was saved is handed in, one
    attempt per transaction (the attempt's status makes a second run find nothing)."""
    with ctx.sessions() as session:
        due = overdue_attempts(session, ctx.now)
    notifier = ctx.notifier
    return ctx.one_by_one("exams", due, lambda session, attempt_id: hand_in_overdue(session, notifier, attempt_id))


def _hr_channel(ctx: JobContext, workspace: Workspace) -> str:
    return workspace.hr_channel or ctx.settings.hr_channel or ""
