"""Poll use cases: posting and closing quick polls, inviting judges, saving and reporting scores.

A message that changes (a poll's tally, a lead's status card) is first posted with a
dedupe key; each later version is a ``chat.update`` keyed by the poll's version, so a
retried click or job never sends the same version twice. Files (a chart, an export) can
only be uploaded once the transaction has committed: they are returned as a
:class:`PendingUpload` for the caller to send.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db.models import OutboxMessage, OutboxStatus
from bot.core.notify import Notifier
from bot.core.outbox import enqueue
from bot.core.render import Message
from bot.polls.messages import deadline_text, people_by_id, quick_poll_message, reader
from bot.polls.models import JudgeScore, QuickPoll, ScoringPoll
from bot.polls.quick_polls import close_quick_poll
from bot.polls.scoring import ScoringResults, close_scoring_poll, judges_of, weighted_total
from bot.polls.scoring_messages import display_name, results_chart, score_status, scoring_results

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingUpload:
    """A file to upload into someone's DM once the transaction that produced it has committed."""

    user: str
    content: bytes | str
    filename: str
    title: str

    def upload(self, client: WebClient) -> bool:
        """False (and a log line) when Slack refused: what was queued stands without the file."""
        try:
            channel = client.conversations_open(users=self.user)["channel"]["id"]  # files need a conversation id
            if isinstance(self.content, bytes):
                client.files_upload_v2(channel=channel, file=self.content, filename=self.filename, title=self.title)
            else:
                client.files_upload_v2(channel=channel, content=self.content, filename=self.filename, title=self.title)
        except Exception:
            log.exception("could not upload %s to %s", self.filename, self.user)
            return False
        return True


def update_posted(
    session: Session, notifier: Notifier, workspace_id: str, post_key: str, update_key: str, message: Message
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
            session,
            workspace_id=workspace_id,
            dedupe_key=update_key,
            method="chat.update",
            payload=payload,
            now=notifier.now,
        )
    elif posted.status == OutboxStatus.PENDING:  # not sent yet: send the newest version instead
        posted.payload = {**posted.payload, **message.as_payload()}


# ----- quick polls -----------------------------------------------------------------------
def post_quick_poll(session: Session, notifier: Notifier, poll: QuickPoll) -> None:
    message = quick_poll_message(notifier.renderer, session, poll)
    notifier.send(session, poll.workspace_id, poll.channel_id, message, f"poll:{poll.id}")


def refresh_quick_poll(session: Session, notifier: Notifier, poll: QuickPoll) -> None:
    message = quick_poll_message(notifier.renderer, session, poll)
    update_posted(session, notifier, poll.workspace_id, f"poll:{poll.id}", f"poll:{poll.id}:v{poll.version}", message)


def close_quick_poll_and_show(session: Session, notifier: Notifier, poll_id: int) -> bool:
    """Close once and show the final tally in the channel; False when it was already closed."""
    if not close_quick_poll(session, poll_id, notifier.now):
        return False
    poll = session.get(QuickPoll, poll_id)
    assert poll is not None
    refresh_quick_poll(session, notifier, poll)
    return True


# ----- scoring polls ---------------------------------------------------------------------
def send_invites(session: Session, notifier: Notifier, poll: ScoringPoll, *, only: list[str] | None = None) -> int:
    """DM each judge (or, for a reminder, only those in ``only``) a button to score."""
    judges = only if only is not None else [judge.judge_slack for judge in judges_of(session, poll.id)]
    people = people_by_id(session, poll.workspace_id, [*judges, poll.agent_slack, poll.creator_slack])
    rubric = notifier.library.rubric(poll.rubric_id)
    sent = 0
    for judge in judges:
        _, locale, zone = reader(session, poll.workspace_id, judge)
        message = notifier.renderer.message(
            "score_invite",
            locale,
            poll_id=poll.id,
            agent=display_name(people, poll.agent_slack),
            creator=display_name(people, poll.creator_slack),
            rubric_title=rubric.title.get(locale),
            deadline_text=deadline_text(poll.deadline, zone),
            scale_max=poll.scale_max,
            scenario=poll.scenario,
            anonymous=poll.anonymous,
            reminder=only is not None,
        )
        key = (
            f"score-remind:{poll.id}:{judge}:{notifier.now:%Y%m%d%H%M}"
            if only is not None
            else f"score-invite:{poll.id}:{judge}"
        )
        sent += notifier.send(session, poll.workspace_id, judge, message, key)
    return sent


def confirm_score(session: Session, notifier: Notifier, poll: ScoringPoll, row: JudgeScore) -> None:
    """A DM to the judge: saved, the total it gives, and until when it can be revised."""
    _, locale, zone = reader(session, poll.workspace_id, row.judge_slack)
    people = people_by_id(session, poll.workspace_id, [poll.agent_slack])
    rubric = notifier.library.rubric(poll.rubric_id)
    text = notifier.renderer.t(
        locale,
        "scoring.saved",
        agent=display_name(people, poll.agent_slack),
        total=f"{weighted_total(rubric, row.scores or {}, poll.scale_max):g}",
        deadline=deadline_text(poll.deadline, zone),
    )
    message = notifier.renderer.message("notice", locale, text=text)
    key = f"score-saved:{poll.id}:{row.judge_slack}:{row.revisions}"
    notifier.send(session, poll.workspace_id, row.judge_slack, message, key)


def post_status(session: Session, notifier: Notifier, poll: ScoringPoll) -> None:
    """The lead's status card, posted once and then updated in place."""
    if not poll.creator_slack:
        return
    _, locale, zone = reader(session, poll.workspace_id, poll.creator_slack)
    message = score_status(notifier.renderer, session, poll, locale, zone)
    notifier.send(session, poll.workspace_id, poll.creator_slack, message, f"score-status:{poll.id}")


def refresh_status(session: Session, notifier: Notifier, poll: ScoringPoll) -> None:
    if not poll.creator_slack:
        return
    _, locale, zone = reader(session, poll.workspace_id, poll.creator_slack)
    message = score_status(notifier.renderer, session, poll, locale, zone)
    key = f"score-status:{poll.id}"
    update_posted(session, notifier, poll.workspace_id, key, f"{key}:v{poll.version}", message)


def send_results(session: Session, notifier: Notifier, results: ScoringResults) -> bytes | None:
    """Queue the results to the lead (and the agent when the lead chose so); returns the
    lead's chart, to upload once the transaction has committed."""
    poll = results.poll
    readers = [(poll.creator_slack, "lead")]
    if poll.share_with_agent and results.enough and poll.agent_slack:
        readers.append((poll.agent_slack, "agent"))
    for slack_id, role in readers:
        if not slack_id:
            continue
        _, locale, _ = reader(session, poll.workspace_id, slack_id)
        message = scoring_results(notifier.renderer, notifier.library, session, results, locale)
        notifier.send(session, poll.workspace_id, slack_id, message, f"score-results:{poll.id}:{role}")
    refresh_status(session, notifier, poll)
    if not results.enough or not poll.creator_slack:
        return None
    _, locale, _ = reader(session, poll.workspace_id, poll.creator_slack)
    return results_chart(notifier.renderer, notifier.library, session, results, locale)


def close_scoring_poll_and_report(
    session: Session, notifier: Notifier, poll_id: int
) -> tuple[ScoringResults | None, PendingUpload | None]:
    """Close once, record the practical score and queue the results; (None, None) when
    someone else closed it first. The lead's chart is returned for upload after commit."""
    results = close_scoring_poll(session, poll_id, notifier.library, notifier.now)
    if results is None:
        return None, None
    png = send_results(session, notifier, results)
    if png is None:
        return results, None
    poll = results.poll
    _, locale, _ = reader(session, poll.workspace_id, poll.creator_slack)
    title = notifier.renderer.t(locale, "scoring.results.chart_title", poll_id=poll.id)
    return results, PendingUpload(poll.creator_slack, png, f"scoring-poll-{poll.id}.png", str(title))
