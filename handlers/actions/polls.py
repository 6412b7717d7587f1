"""Poll buttons: vote, close; scoring: open the form, remind the judges, close early."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.core.errors import UserError
from bot.core.slack_text import parse_count, parse_id
from bot.polls.models import ScoringPoll
from bot.polls.quick_polls import VoteStatus, find_quick_poll, may_close, vote
from bot.polls.scoring import find_scoring_poll, judges_of, may_manage, waiting_judges
from bot.polls.scoring_messages import score_form
from bot.polls.use_cases import (
    close_quick_poll_and_show,
    close_scoring_poll_and_report,
    refresh_quick_poll,
    send_invites,
)
from handlers.request import SlackRequest
from handlers.surfaces import button


def register(app: App) -> None:
    app.action("poll_vote")(button(cast_vote))
    app.action("poll_close")(button(close_poll))
    app.action("score_open")(button(open_score_form))
    app.action("score_remind")(button(remind_judges))
    app.action("score_close")(button(close_scoring))


def _number(action: dict[str, Any]) -> int:
    number = parse_id(str(action.get("value") or "").partition(":")[0])
    if number is None:
        raise UserError("polls.unavailable")
    return number


def cast_vote(incoming: SlackRequest, action: dict[str, Any]) -> None:
    incoming.member_or_refuse()  # votes come from the roster only, never from anyone who can forge a click
    poll_id = _number(action)
    option = str(action.get("value") or "").partition(":")[2]
    with incoming.once() as session:
        notifier = incoming.notifier
        chosen = parse_count(option, maximum=99)
        chosen = -1 if chosen is None else chosen
        outcome = vote(session, incoming.workspace_id, poll_id, incoming.user_id, chosen, notifier.now)
        if outcome.changed and outcome.poll is not None:
            refresh_quick_poll(session, notifier, outcome.poll)
    if outcome.status is VoteStatus.CLOSED:
        incoming.notice("polls.closed_refused", poll_id=poll_id)
    elif outcome.poll is None:
        raise UserError("polls.unavailable")
    elif outcome.choices:
        chosen_text = ", ".join(outcome.poll.options[i] for i in outcome.choices)
        incoming.notice("polls.voted", poll_id=poll_id, choices=chosen_text)
    else:
        incoming.notice("polls.vote_removed", poll_id=poll_id)


def close_poll(incoming: SlackRequest, action: dict[str, Any]) -> None:
    poll_id = _number(action)
    with incoming.deps.sessions.begin() as session:
        poll = find_quick_poll(session, incoming.workspace_id, poll_id)
        if not may_close(poll, incoming.member, incoming.user_id):
            raise UserError("polls.not_creator", poll_id=poll.id)
        closed = close_quick_poll_and_show(session, incoming.notifier, poll.id)
    incoming.notice("polls.closed_by_you" if closed else "polls.already_closed", poll_id=poll_id)


def open_score_form(incoming: SlackRequest, action: dict[str, Any]) -> None:
    deps = incoming.deps
    with deps.sessions() as session:
        poll = find_scoring_poll(session, incoming.workspace_id, _number(action))
        if incoming.user_id not in {judge.judge_slack for judge in judges_of(session, poll.id)}:
            raise UserError("scoring.errors.not_a_judge")
        if poll.status != "open" or poll.deadline <= deps.now():
            raise UserError("scoring.errors.closed")
        view = score_form(deps.renderer, deps.library, session, poll, incoming.user_id)
    incoming.client.views_open(trigger_id=incoming.trigger_id, view=view)


def _managed_poll(incoming: SlackRequest, session: Session, poll_id: int) -> ScoringPoll:
    """A lead's button on their status card: only the poll's lead (or an admin) may press it."""
    poll = find_scoring_poll(session, incoming.workspace_id, poll_id)
    if not may_manage(poll, incoming.member):
        raise UserError("scoring.errors.not_manager")
    return poll


def remind_judges(incoming: SlackRequest, action: dict[str, Any]) -> None:
    with incoming.deps.sessions.begin() as session:
        poll = _managed_poll(incoming, session, _number(action))
        if poll.status != "open":
            raise UserError("scoring.already_closed", poll_id=poll.id)
        waiting = waiting_judges(session, poll.id)
        send_invites(session, incoming.notifier, poll, only=waiting)
    incoming.notice("scoring.reminded" if waiting else "scoring.nobody_to_remind", count=len(waiting))


def close_scoring(incoming: SlackRequest, action: dict[str, Any]) -> None:
    poll_id = _number(action)
    with incoming.deps.sessions.begin() as session:
        _managed_poll(incoming, session, poll_id)
        results, chart = close_scoring_poll_and_report(session, incoming.notifier, poll_id)
    if chart is not None:
        chart.upload(incoming.client)
    incoming.notice("scoring.closed_by_you" if results else "scoring.already_closed", poll_id=poll_id)
