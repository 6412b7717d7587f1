"""Poll buttons: vote, close; scoring: open the form, remind the judges, close early."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.polls.messages import PendingUpload, close_quick_poll_and_show, refresh_quick_poll
from bot.polls.quick_polls import VoteStatus, find_quick_poll, may_close, vote
from bot.polls.scoring import find_scoring_poll, judges_of, may_manage, waiting_judges
from bot.polls.scoring_messages import close_scoring_poll_and_report, score_form, send_invites
from handlers.request import SlackRequest
from handlers.surfaces import answering


def _clicked(ack: Any, body: dict[str, Any], respond: Any, context: Any) -> SlackRequest:
    ack()
    request = SlackRequest.load(deps_of(context), str(body["team"]["id"]), str(body["user"]["id"]), _respond=respond)
    request.acked = True
    return request


def _number(action: dict[str, Any]) -> int:
    head = str(action.get("value") or "").partition(":")[0]
    if not head.isdigit():
        raise UserError("polls.unavailable")
    return int(head)


def _notice(request: SlackRequest, key: str, **params: object) -> None:
    request.reply(request.render("notice", text=request.t(key, **params)))


def cast_vote(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, context: Any) -> None:
    request = _clicked(ack, body, respond, context)
    deps = request.deps

    def work() -> None:
        option = str(action.get("value") or "").partition(":")[2]
        with deps.sessions.begin() as session:
            outcome = vote(session, request.workspace_id, _number(action), request.user_id,
                           int(option) if option.isdigit() else -1, deps.now())  # fmt: skip
            if outcome.changed and outcome.poll is not None:
                refresh_quick_poll(session, deps.renderer, outcome.poll, deps.now())
        if outcome.status is VoteStatus.CLOSED:
            _notice(request, "polls.closed_refused", poll_id=_number(action))
        elif outcome.poll is None:
            raise UserError("polls.unavailable")
        elif outcome.choices:
            chosen = ", ".join(outcome.poll.options[i] for i in outcome.choices)
            _notice(request, "polls.voted", poll_id=_number(action), choices=chosen)
        else:
            _notice(request, "polls.vote_removed", poll_id=_number(action))

    answering(request, work)


def close_poll(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, context: Any) -> None:
    request = _clicked(ack, body, respond, context)
    deps = request.deps

    def work() -> None:
        with deps.sessions.begin() as session:
            poll = find_quick_poll(session, request.workspace_id, _number(action))
            if not may_close(poll, request.member, request.user_id):
                raise UserError("polls.not_creator", poll_id=poll.id)
            closed = close_quick_poll_and_show(session, deps.renderer, poll.id, deps.now())
        _notice(request, "polls.closed_by_you" if closed else "polls.already_closed", poll_id=_number(action))

    answering(request, work)


def open_score_form(
    ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: Any, context: Any
) -> None:
    request = _clicked(ack, body, respond, context)
    deps = request.deps

    def work() -> None:
        with deps.sessions() as session:
            poll = find_scoring_poll(session, request.workspace_id, _number(action))
            if request.user_id not in {judge.judge_slack for judge in judges_of(session, poll.id)}:
                raise UserError("scoring.errors.not_a_judge")
            if poll.status != "open" or poll.deadline <= deps.now():
                raise UserError("scoring.errors.closed")
            view = score_form(deps.renderer, deps.library, session, poll, request.user_id)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    answering(request, work)


def _managing(work: Callable[[SlackRequest, int, Any], None]) -> Callable[..., None]:
    """A lead's button on their status card: only the poll's lead (or an admin) may press it."""

    def listener(
        ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: Any, context: Any
    ) -> None:
        request = _clicked(ack, body, respond, context)
        answering(request, lambda: work(request, _number(action), client))

    return listener


def _checked_poll(request: SlackRequest, session: Any, poll_id: int) -> Any:
    poll = find_scoring_poll(session, request.workspace_id, poll_id)
    if not may_manage(poll, request.member):
        raise UserError("scoring.errors.not_manager")
    return poll


def remind_judges(request: SlackRequest, poll_id: int, _client: Any) -> None:
    deps = request.deps
    with deps.sessions.begin() as session:
        poll = _checked_poll(request, session, poll_id)
        if poll.status != "open":
            raise UserError("scoring.already_closed", poll_id=poll.id)
        waiting = waiting_judges(session, poll.id)
        send_invites(session, deps.renderer, deps.library, poll, deps.now(), only=waiting)
    _notice(request, "scoring.reminded" if waiting else "scoring.nobody_to_remind", count=len(waiting))


def close_scoring(request: SlackRequest, poll_id: int, client: Any) -> None:
    deps = request.deps
    chart: PendingUpload | None = None
    with deps.sessions.begin() as session:
        _checked_poll(request, session, poll_id)
        results, chart = close_scoring_poll_and_report(session, deps.renderer, deps.library, poll_id, deps.now())
    if chart is not None:
        chart.upload(client)
    _notice(request, "scoring.closed_by_you" if results else "scoring.already_closed", poll_id=poll_id)


def register(app: App) -> None:
    app.action("poll_vote")(cast_vote)
    app.action("poll_close")(close_poll)
    app.action("score_open")(open_score_form)
    app.action("score_remind")(_managing(remind_judges))
    app.action("score_close")(_managing(close_scoring))
