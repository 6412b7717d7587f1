"""Keep each member's Slack timezone and language fresh (users.info), a few per tick."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import or_, select

from bot.core.db.models import Member
from jobs.context import JobContext

log = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(days=7)
PER_TICK = 50  # users.info is Tier 4 (100+/min): a few per tick stays far below it


def sync_profiles(ctx: JobContext) -> int:
    if not ctx.settings.can_deliver:
        return 0
    synced = 0
    with ctx.sessions.begin() as session:
        stale = session.scalars(
            select(Member)
            .where(
                Member.active.is_(True),
                or_(Member.profile_synced_at.is_(None), Member.profile_synced_at < ctx.now - REFRESH_AFTER),
            )
            .order_by(Member.profile_synced_at.is_not(None), Member.profile_synced_at)
            .limit(PER_TICK)
        ).all()
        for member in stale:
            try:
                user = ctx.client_for(member.workspace_id).users_info(user=member.slack_id, include_locale=True)
            except SlackApiError as error:
                log.info("users.info for %s failed: %s", member.slack_id, error.response.get("error"))
                member.profile_synced_at = ctx.now  # try again next week, not every tick
                continue
            profile = user.get("user") or {}
            member.slack_tz = profile.get("tz") or member.slack_tz
            member.slack_locale = profile.get("locale") or member.slack_locale
            member.profile_synced_at = ctx.now
            synced += 1
    return synced
