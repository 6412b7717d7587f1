"""Keep each member's Slack timezone and language fresh (users.info), a few per tick; a
member Slack reports as deactivated (``deleted``) stops receiving anything.

No Slack call happens inside a write transaction: on SQLite that would hold the one write
lock for the length of a network round trip, and every click would wait behind it. The
job reads who is due, asks Slack with no transaction open, then writes each answer in a
short transaction of its own (one member's failure never stops the others).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import or_, select

from bot.core.db.models import Member
from bot.people.members import apply_slack_profile
from jobs.context import JobContext

log = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(days=7)
PER_TICK = 50  # users.info is Tier 4 (100+/min): a few per tick stays far below it


def sync_profiles(ctx: JobContext) -> int:
    if not ctx.settings.can_deliver:
        return 0
    with ctx.sessions() as session:  # a read: no write lock
        due = session.execute(
            select(Member.id, Member.workspace_id, Member.slack_id)
            .where(
                Member.active.is_(True),
                or_(Member.profile_synced_at.is_(None), Member.profile_synced_at < ctx.now - REFRESH_AFTER),
            )
            .order_by(Member.profile_synced_at.is_not(None), Member.profile_synced_at)
            .limit(PER_TICK)
        ).all()
    synced = 0
    for member_id, workspace_id, slack_id in due:
        profile: dict[str, Any] | None = None
        try:
            user = ctx.client_for(workspace_id).users_info(user=slack_id, include_locale=True)
            profile = dict(user.get("user") or {})
        except SlackApiError as error:
            log.info("users.info for %s failed: %s", slack_id, error.response.get("error"))
        except Exception:  # one member's trouble (a timeout) never stops the others
            log.exception("users.info for %s failed", slack_id)
            continue
        with ctx.sessions.begin() as session:
            member = session.get(Member, member_id)
            if member is None:
                continue
            member.profile_synced_at = ctx.now  # a failure tries again next week, not every tick
            if profile is not None:
                apply_slack_profile(session, member, profile, ctx.now)
                synced += 1
    return synced
