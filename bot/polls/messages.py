"""Quick polls as channel messages, and what poll and scoring messages share.

A message that changes (a poll's tally, a lead's status card) is first posted with a
dedupe key; each later version is a ``chat.update`` keyed by the poll's version, so a
retried click or job never sends the same version twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db.models import Member, Workspace
from bot.core.i18n import Trusted, member_locale, resolve_locale
from bot.core.localtime import member_zone
from bot.core.render import Message, Renderer
from bot.polls.models import PollStatus, QuickPoll, QuickVote
from bot.polls.quick_polls import tally

log = logging.getLogger(__name__)

MAX_MENTIONS = 30


def deadline_text(when: datetime, zone: tzinfo) -> str:
    return f"{when.astimezone(zone):%Y-%m-%d %H:%M} ({zone})"


def people_by_id(session: Session, workspace_id: str, slack_ids: list[str]) -> dict[str, Member]:
    rows = session.scalars(select(Member).where(Member.workspace_id == workspace_id, Member.slack_id.in_(slack_ids)))
    return {member.slack_id: member for member in rows}


def reader(session: Session, workspace_id: str, slack_id: str) -> tuple[Member | None, str, tzinfo]:
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    member = people_by_id(session, workspace_id, [slack_id]).get(slack_id)
    if member is None:  # a voter or creator outside the roster: the workspace's language and clock
        return None, resolve_locale(workspace.locale), ZoneInfo(workspace.timezone)
    return member, member_locale(member, workspace), member_zone(member, workspace)


# ----- quick polls -----------------------------------------------------------------------
def quick_poll_message(renderer: Renderer, session: Session, poll: QuickPoll) -> Message:
    closed = poll.status != PollStatus.OPEN
    show = closed or not poll.hidden
    mentions: dict[int, list[Trusted]] = {}
    if show and not poll.anonymous:
        for vote in session.scalars(select(QuickVote).where(QuickVote.poll_id == poll.id).order_by(QuickVote.id)):
            for index in vote.choices:
                mentions.setdefault(index, []).append(renderer.t(poll.locale, "polls.mention", user=vote.voter_slack))
        mentions = {index: names[:MAX_MENTIONS] for index, names in mentions.items()}
    _, _, zone = reader(session, poll.workspace_id, poll.creator_slack)
    return renderer.message(
        "poll_message",
        poll.locale,
        poll=poll,
        tally=tally(session, poll),
        show_results=show,
        closed=closed,
        deadline_text=deadline_text(poll.deadline, zone) if poll.deadline else None,
        mentions=mentions,
    )


def poll_modal(renderer: Renderer, locale: str, channel: str, timezone: str) -> dict[str, Any]:
    return renderer.view("poll_modal", locale, channel=channel, timezone=timezone)
