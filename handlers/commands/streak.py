"""`/coach streak`: working days in a row with at least one answer."""

from __future__ import annotations

from typing import Any

from bot.core.calendar import calendar_for
from bot.core.command_line import Invocation
from bot.core.db.models import Workspace
from bot.core.localtime import local_today
from bot.learning.streaks import streak
from handlers.request import SlackRequest


def run(request: SlackRequest, _invocation: Invocation, _client: Any) -> None:
    member = request.member_or_refuse()
    with request.deps.sessions() as session:
        workspace = session.get(Workspace, member.workspace_id)
        assert workspace is not None
        today = local_today(member, workspace, request.deps.now())
        result = streak(session, member.id, calendar_for(workspace), today)
    if result.current == 0 and result.longest == 0:
        text = request.t("streak.none")
    else:
        status = request.t("streak.done_today" if result.answered_today else "streak.open_today")
        text = request.t("streak.current", current=result.current, longest=result.longest) + "\n" + status
    request.ack(request.render("notice", text=text))
