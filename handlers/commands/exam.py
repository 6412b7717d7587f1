"""`/coach exam` (sit the theory exam) and `/coach exam open @agent [days]` (leads, HR)."""

from __future__ import annotations

from typing import Any

from bot.certification.certificates import require_assessor
from bot.certification.exams import blueprint, open_window, start_attempt
from bot.certification.messages import exam_modal
from bot.core.command_line import Invocation, parse_mention
from bot.core.db.models import Workspace
from bot.core.errors import UserError
from bot.core.i18n import member_locale
from bot.core.localtime import member_zone
from bot.core.outbox import post_message
from bot.people.members import find_member
from handlers.request import SlackRequest


def run(request: SlackRequest, invocation: Invocation, client: Any) -> None:
    member = request.member_or_refuse()
    deps = request.deps
    if invocation.args and invocation.args[0].lower() == "open":
        open_for(request, list(invocation.args[1:]))
        return
    if invocation.args:
        raise UserError("exam.usage")
    with deps.sessions.begin() as session:
        attempt = start_attempt(session, deps.library, member, deps.now())
        view = exam_modal(deps.renderer, deps.library, request.locale, attempt)
    request.ack()
    client.views_open(trigger_id=request.trigger_id, view=view)


def open_for(request: SlackRequest, args: list[str]) -> None:
    opener, deps = request.member_or_refuse(), request.deps
    slack_id = parse_mention(args[0]) if args else None
    if slack_id is None or len(args) > 2 or (len(args) == 2 and not args[1].isdigit()):
        raise UserError("exam.usage")
    days = int(args[1]) if len(args) == 2 else 7
    now = deps.now()
    with deps.sessions.begin() as session:
        holder = find_member(session, request.workspace_id, slack_id)
        if holder is None or not holder.active:
            raise UserError("cert.errors.unknown_person")
        require_assessor(session, opener, holder)
        window = open_window(session, holder, opener.slack_id, days, now)
        workspace = session.get(Workspace, holder.workspace_id)
        assert workspace is not None
        until = window.closes_at.astimezone(member_zone(holder, workspace)).strftime("%Y-%m-%d %H:%M")
        locale = member_locale(holder, workspace)
        minutes = blueprint(deps.library).duration_minutes
        invite = deps.renderer.t(locale, "exam.invited", until=until, minutes=minutes)
        post_message(
            session,
            workspace_id=holder.workspace_id,
            channel=holder.slack_id,
            now=now,
            message=deps.renderer.message("notice", locale, text=invite),
            dedupe_key=f"exam-open:{window.id}",
        )
    request.ack(request.render("notice", text=request.t("exam.opened", name=holder.name, until=until)))
