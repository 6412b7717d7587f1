"""`/coach wellbeing [team NAME]` (leads, HR): anonymous weekly stress averages; every view is audited."""

from __future__ import annotations

from bot.core.command_line import Invocation
from bot.core.errors import UserError
from bot.wellbeing.checkins import today_for
from bot.wellbeing.messages import wellbeing_report
from bot.wellbeing.team_trends import view_trend
from handlers.request import SlackRequest


def run(request: SlackRequest, invocation: Invocation) -> None:
    viewer = request.member_or_refuse()
    args = list(invocation.args)
    if args and (args[0].lower() != "team" or len(args) < 2):
        raise UserError("wellbeing.usage")
    team_name = " ".join(args[1:]) or None
    deps = request.deps
    with deps.sessions.begin() as session:
        now = deps.now()
        scope, trend = view_trend(session, viewer, team_name, today_for(session, viewer, now), now)
    request.ack(wellbeing_report(deps.renderer, request.locale, scope, trend))
