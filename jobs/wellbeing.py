"""Wellbeing: end-of-day check-in prompts and peer-support fallbacks.

Both claim their work in the database: a prompt row unique per member and day, and a
conditional status change open -> fallback, so a second run or instance sends nothing twice."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from bot.core.db.models import Member, Workspace
from bot.core.i18n import member_locale, resolve_locale
from bot.core.outbox import post_message
from bot.wellbeing.checkins import create_prompt, prompts_due
from bot.wellbeing.messages import checkin_prompt
from bot.wellbeing.support import fall_back, overdue_requests, support_settings
from jobs.context import JobContext

log = logging.getLogger(__name__)


def run_wellbeing_jobs(ctx: JobContext) -> int:
    return send_checkin_prompts(ctx) + fall_back_unanswered_requests(ctx)


def send_checkin_prompts(ctx: JobContext) -> int:
    with ctx.sessions() as session:
        due = prompts_due(session, ctx.now)
    sent = 0
    for item in due:
        try:
            with ctx.sessions.begin() as session:
                member = session.get(Member, item.member_id)
                workspace = session.get(Workspace, member.workspace_id) if member else None
                if member is None or workspace is None:
                    continue
                prompt_id = create_prompt(session, member, item.local_date, ctx.now)
                if prompt_id is None:
                    continue
                message = checkin_prompt(ctx.renderer, member_locale(member, workspace), prompt_id)
                key = f"checkin-prompt:{prompt_id}"
                post_message(
                    session,
                    workspace_id=member.workspace_id,
                    dedupe_key=key,
                    channel=member.slack_id,
                    message=message,
                    now=ctx.now,
                )
                sent += 1
        except IntegrityError:
            log.info("check-in prompt for member %s on %s was sent by another run", item.member_id, item.local_date)
    return sent


def fall_back_unanswered_requests(ctx: JobContext) -> int:
    """Requests nobody accepted in time go to the support channel (with the name, as the
    requester was told when asking); the requester hears what happened either way."""
    with ctx.sessions() as session:
        overdue = overdue_requests(session, ctx.now)
    handled = 0
    for request_id in overdue:
        with ctx.sessions.begin() as session:
            request = fall_back(session, request_id, ctx.now)
            if request is None:
                continue
            requester = session.get(Member, request.requester_id)
            workspace = session.get(Workspace, request.workspace_id)
            assert requester is not None and workspace is not None
            settings = support_settings(session, workspace.id)
            if settings.channel:
                alert = ctx.renderer.message(
                    "support_fallback",
                    resolve_locale(workspace.locale),
                    name=requester.name,
                    topic=request.topic,
                    minutes=settings.timeout_minutes,
                )
                key = f"support-fallback:{request.id}"
                post_message(
                    session,
                    workspace_id=workspace.id,
                    dedupe_key=key,
                    channel=settings.channel,
                    message=alert,
                    now=ctx.now,
                )
            locale = member_locale(requester, workspace)
            text = ctx.renderer.t(
                locale, "support.fallback.requester_channel" if settings.channel else "support.fallback.requester_none"
            )
            key = f"support-fallback-notice:{request.id}"
            notice = ctx.renderer.message("notice", locale, text=text)
            post_message(
                session,
                workspace_id=workspace.id,
                dedupe_key=key,
                channel=requester.slack_id,
                message=notice,
                now=ctx.now,
            )
            handled += 1
    return handled
