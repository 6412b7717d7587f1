"""`/coach exam` (sit the theory exam) and `/coach exam open @agent [days]` (leads, HR)."""

from __future__ import annotations

from bot.certification import use_cases
from bot.certification.messages import exam_clock, exam_modal
from bot.core.command_line import Invocation, parse_mention
from bot.core.errors import UserError
from bot.core.slack_text import parse_count
from handlers.request import SlackRequest


def run(incoming: SlackRequest, invocation: Invocation) -> None:
    member, deps = incoming.member_or_refuse(), incoming.deps
    if invocation.args and invocation.args[0].lower() == "open":
        open_for(incoming, list(invocation.args[1:]))
        return
    if invocation.args:
        raise UserError("exam.usage")
    with deps.sessions.begin() as session:
        step = use_cases.sit_exam(session, incoming.notifier, member)
        clock = exam_clock(deps.renderer, incoming.locale, step.closes, step.minutes_left)
        view = (
            exam_modal(deps.renderer, deps.library, incoming.locale, step.attempt, step.page, clock)
            if step.page
            else None
        )
    if view is None:  # the time ran out with the modal closed: what was saved is handed in
        raise UserError("exam.errors.time_up", closes=step.closes)
    incoming.ack()
    incoming.client.views_open(trigger_id=incoming.trigger_id, view=view)


def open_for(incoming: SlackRequest, args: list[str]) -> None:
    opener = incoming.member_or_refuse()
    slack_id = parse_mention(args[0]) if args else None
    days = parse_count(args[1], maximum=365) if len(args) == 2 else 7
    if slack_id is None or len(args) > 2 or days is None:
        raise UserError("exam.usage")
    with incoming.deps.sessions.begin() as session:
        opened = use_cases.open_exam(session, incoming.notifier, opener, slack_id, days)
    incoming.notice("exam.opened", name=opened.holder_name, until=opened.until)
