"""Quick polls as channel messages, and what poll and scoring messages share.

A message that changes (a poll's tally, a lead's status card) is first posted with a
dedupe key; each later version is a ``chat.update`` keyed by the poll's version, so a
retried click or job never sends the same version twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db.models import Member, OutboxMessage, OutboxStatus, Workspace
from bot.core.i18n import Trusted, member_locale, resolve_locale
from bot.core.localtime import member_zone
from bot.core.outbox import enqueue, post_message
from bot.core.render import Message, Renderer
from bot.polls.models import PollStatus, QuickPoll, QuickVote
from bot.polls.quick_polls import close_quick_poll, tally

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


def update_posted(
    session: Session, workspace_id: str, post_key: str, update_key: str, message: Message, now: datetime
) -> None:
    """Show ``message`` in place of the one posted under ``post_key``."""
    posted = session.scalar(
        select(OutboxMessage).where(OutboxMessage.workspace_id == workspace_id, OutboxMessage.dedupe_key == post_key)
    )
    if posted is None:
        return
    if posted.slack_channel and posted.slack_ts:
        payload = {"channel": posted.slack_channel, "ts": posted.slack_ts, **message.as_payload()}
        enqueue(
            session, workspace_id=workspace_id, dedupe_key=update_key, method="chat.update", payload=payload, now=now
        )
    elif posted.status == OutboxStatus.PENDING:  # not sent yet: send the newest version instead
        posted.payload = {**posted.payload, **message.as_payload()}


def upload_file(client: WebClient, user: str, *, content: bytes | str, filename: str, title: str) -> None:
    """Upload into the person's DM with the bot (files_upload_v2 needs a conversation id)."""
    channel = client.conversations_open(users=user)["channel"]["id"]
    if isinstance(content, bytes):
        client.files_upload_v2(channel=channel, file=content, filename=filename, title=title)
    else:
        client.files_upload_v2(channel=channel, content=content, filename=filename, title=title)


@dataclass(frozen=True)
class PendingUpload:
    """A file to upload once the transaction that produced it has committed."""

    user: str
    content: bytes | str
    filename: str
    title: str

    def upload(self, client: WebClient) -> bool:
        """False (and a log line) when Slack refused: what was queued stands without the file."""
        try:
            upload_file(client, self.user, content=self.content, filename=self.filename, title=self.title)
        except Exception:
            log.exception("could not upload %s to %s", self.filename, self.user)
            return False
        return True


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


def post_quick_poll(session: Session, renderer: Renderer, poll: QuickPoll, now: datetime) -> None:
    message = quick_poll_message(renderer, session, poll)
    post_message(
        session, workspace_id=poll.workspace_id, dedupe_key=f"poll:{poll.id}", channel=poll.channel_id,
        message=message, now=now,
    )  # fmt: skip


def refresh_quick_poll(session: Session, renderer: Renderer, poll: QuickPoll, now: datetime) -> None:
    message = quick_poll_message(renderer, session, poll)
    update_posted(session, poll.workspace_id, f"poll:{poll.id}", f"poll:{poll.id}:v{poll.version}", message, now)


def poll_modal(renderer: Renderer, locale: str, channel: str, timezone: str) -> dict[str, Any]:
    return renderer.view("poll_modal", locale, channel=channel, timezone=timezone)


def close_quick_poll_and_show(session: Session, renderer: Renderer, poll_id: int, now: datetime) -> bool:
    """Close once and show the final tally in the channel; False when it was already closed."""
    if not close_quick_poll(session, poll_id, now):
        return False
    poll = session.get(QuickPoll, poll_id)
    assert poll is not None
    refresh_quick_poll(session, renderer, poll, now)
    return True
