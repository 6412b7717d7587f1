"""`/coach poll "Question?" "A" "B" [--anonymous] [--multi] [--hidden] [--until …]`, `poll close|export <id>`."""

from __future__ import annotations

from bot.core.audit import record
from bot.core.channels import why_not_postable
from bot.core.command_line import Invocation
from bot.core.db.models import Workspace
from bot.core.errors import UserError
from bot.core.localtime import member_zone
from bot.core.render import lines
from bot.people.members import find_member
from bot.polls.arguments import PollAction, parse_poll_args, poll_action, wants_help
from bot.polls.messages import poll_modal
from bot.polls.quick_polls import create_quick_poll, export_csv, find_quick_poll, may_close
from bot.polls.use_cases import PendingUpload, close_quick_poll_and_show, post_quick_poll
from handlers.request import SlackRequest


def run(request: SlackRequest, invocation: Invocation) -> None:
    member = request.member_or_refuse()
    deps = request.deps
    if wants_help(invocation.args):
        request.ack(request.render("notice", text=request.t("polls.usage")))
        return
    action = poll_action(invocation.args)
    if action is not None:
        manage(request, action)
        return
    if not request.channel_id:
        raise UserError("polls.errors.no_channel")
    if problem := why_not_postable(request.client, request.channel_id):  # before anyone is told "posted"
        raise UserError(problem)
    with deps.sessions() as session:
        workspace = session.get(Workspace, request.workspace_id)
        assert workspace is not None
        zone = member_zone(member, workspace)
    if not invocation.args:
        request.ack()
        view = poll_modal(deps.renderer, request.locale, request.channel_id, str(zone))
        request.client.views_open(trigger_id=request.trigger_id, view=view)
        return
    try:
        spec = parse_poll_args(invocation.args, zone, deps.now())
    except UserError as error:
        usage = lines(request.t(error.key, **error.params), request.t("polls.usage"))
        request.reply(request.render("error", text=usage))
        return
    with request.once() as session:
        poll = create_quick_poll(
            session, workspace_id=request.workspace_id, creator=request.user_id, channel=request.channel_id,
            spec=spec, locale=request.locale, now=deps.now(),
        )  # fmt: skip
        post_quick_poll(session, request.notifier, poll)
    request.ack(request.render("notice", text=request.t("polls.created", poll_id=poll.id)))


def manage(request: SlackRequest, action: PollAction) -> None:
    """Close a poll or export its votes: its creator or an admin only."""
    deps = request.deps
    upload: PendingUpload | None = None
    with deps.sessions.begin() as session:
        poll = find_quick_poll(session, request.workspace_id, action.poll_id)
        if not may_close(poll, find_member(session, request.workspace_id, request.user_id), request.user_id):
            raise UserError("polls.not_creator", poll_id=poll.id)
        if action.verb == "close":
            closed = close_quick_poll_and_show(session, request.notifier, poll.id)
            key = "polls.closed_by_you" if closed else "polls.already_closed"
        else:
            title = str(request.t("polls.export_title", poll_id=poll.id))
            upload = PendingUpload(request.user_id, export_csv(session, poll), f"poll-{poll.id}.csv", title)
            record(session, workspace_id=request.workspace_id, actor=request.user_id, action="poll.exported",
                   now=deps.now(), subject=str(poll.id), detail={"anonymous": poll.anonymous})  # fmt: skip
            key = "polls.export_sent"
    if upload is not None and not upload.upload(request.client):
        raise UserError("polls.export_failed")
    request.ack(request.render("notice", text=request.t(key, poll_id=action.poll_id)))
