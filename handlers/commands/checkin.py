"""`/coach checkin [history | settings | delete]`: always about the person asking, nobody else."""

from __future__ import annotations

import logging

from bot.core.command_line import Invocation
from bot.core.db.models import Member
from bot.core.errors import UserError
from bot.wellbeing.checkins import count_checkins, history, member_timezone, preferences, today_for
from bot.wellbeing.messages import checkin_chart, checkin_history, checkin_modal, checkin_settings_modal
from handlers.request import SlackRequest

log = logging.getLogger(__name__)


def run(request: SlackRequest, invocation: Invocation) -> None:
    member = request.member_or_refuse()
    args = [arg.lower() for arg in invocation.args]
    deps, client = request.deps, request.client
    if not args:
        request.ack()
        client.views_open(
            trigger_id=request.trigger_id, view=checkin_modal(deps.renderer, deps.library, request.locale)
        )
    elif args == ["history"]:
        show_history(request, member)
    elif args == ["settings"]:
        with deps.sessions() as session:
            prefs, zone = preferences(session, member), member_timezone(session, member)
        request.ack()
        view = checkin_settings_modal(deps.renderer, request.locale, prefs, zone)
        client.views_open(trigger_id=request.trigger_id, view=view)
    elif args == ["delete"]:
        with deps.sessions() as session:
            count = count_checkins(session, member.id)
        if not count:
            raise UserError("checkin.delete.nothing")
        request.ack(request.render("checkin_delete_confirm", count=count))
    else:
        raise UserError("checkin.usage")


def show_history(request: SlackRequest, member: Member) -> None:
    """The text trend answers at once; the chart follows in the person's DM with the bot."""
    deps = request.deps
    with deps.sessions() as session:
        points = history(session, member.id, today_for(session, member, deps.now()))
    answered = any(p.stress is not None for p in points)
    request.ack(checkin_history(deps.renderer, request.locale, points, chart=answered))
    if not answered:
        return
    try:
        client = request.client
        channel = client.conversations_open(users=request.user_id)["channel"]["id"]
        chart = checkin_chart(deps.renderer, request.locale, points)
        client.files_upload_v2(channel=channel, content=chart, filename="checkins.png")
    except Exception:
        log.warning("could not upload the check-in chart for %s", request.user_id, exc_info=True)
