"""Certification reminders (agent, lead and HR in one step) and the weekly HR digest."""

from __future__ import annotations

import logging
from datetime import date, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.certification.messages import agent_reminder, digest_message, hr_reminder, lead_reminder
from bot.certification.models import Certificate
from bot.certification.reminders import DueReminder, claim_reminder, digest, due_reminders, lead_of
from bot.certification.rules import rules
from bot.core.db.models import Team, Workspace
from bot.core.i18n import member_locale, resolve_locale
from bot.core.outbox import post_message
from jobs.context import JobContext

log = logging.getLogger(__name__)


def send_certification_reminders(ctx: JobContext) -> int:
    with ctx.sessions() as session:
        workspaces = list(session.scalars(select(Workspace)))
    sent = 0
    for workspace in workspaces:
        today = ctx.now.astimezone(ZoneInfo(workspace.timezone)).date()
        with ctx.sessions() as session:
            due = [(d.certificate_id, d.stage) for d in due_reminders(session, workspace.id, today)]
        for certificate_id, stage in due:
            sent += _remind(ctx, workspace.id, certificate_id, stage, today)
        _digest(ctx, workspace)
    return sent


def _remind(ctx: JobContext, workspace_id: str, certificate_id: int, stage: str, today: date) -> int:
    """Claim the stage and queue all three messages in one transaction: all or nothing, once."""
    with ctx.sessions.begin() as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        cert = session.get(Certificate, certificate_id)
        reminder = DueReminder(cert, stage, (cert.valid_until - today).days) if cert else None
        if cert is None or reminder is None or not claim_reminder(session, reminder, ctx.now):
            return 0
        holder = reminder.certificate.member
        key = f"cert:{cert.id}:{stage}"
        if holder is not None and holder.active:
            post_message(
                session,
                workspace_id=workspace_id,
                channel=holder.slack_id,
                now=ctx.now,
                dedupe_key=f"{key}:agent",
                message=agent_reminder(ctx.renderer, member_locale(holder, workspace), reminder),
            )
        lead = lead_of(session, holder)
        if lead is not None:
            post_message(
                session,
                workspace_id=workspace_id,
                channel=lead.slack_id,
                now=ctx.now,
                dedupe_key=f"{key}:lead",
                message=lead_reminder(ctx.renderer, member_locale(lead, workspace), reminder),
            )
        hr_channel = workspace.hr_channel or ctx.settings.hr_channel
        if hr_channel:
            team = session.get(Team, holder.team_id) if holder and holder.team_id else None
            post_message(
                session,
                workspace_id=workspace_id,
                channel=hr_channel,
                now=ctx.now,
                dedupe_key=f"{key}:hr",
                message=hr_reminder(
                    ctx.renderer, resolve_locale(workspace.locale), reminder, team.name if team else "—"
                ),
            )
        return 1


def _digest(ctx: JobContext, workspace: Workspace) -> None:
    hr_channel = workspace.hr_channel or ctx.settings.hr_channel
    local = ctx.now.astimezone(ZoneInfo(workspace.timezone))
    hours, minutes = (int(part) for part in rules().digest_time.split(":"))
    if not hr_channel or local.weekday() != rules().digest_weekday or local.time() < time(hours, minutes):
        return
    year, week, _ = local.isocalendar()
    with ctx.sessions.begin() as session:
        teams = digest(session, workspace.id, local.date())
        message = digest_message(ctx.renderer, resolve_locale(workspace.locale), teams, local.date())
        post_message(
            session,
            workspace_id=workspace.id,
            channel=hr_channel,
            message=message,
            now=ctx.now,
            dedupe_key=f"cert-digest:{year}-W{week:02d}",
        )
