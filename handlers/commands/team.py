"""`/coach team progress` (leads): per-module accuracy, participation, weakest modules, inactive agents."""

from __future__ import annotations

from typing import Any

from bot.core.calendar import calendar_for
from bot.core.command_line import Invocation
from bot.core.db.models import Workspace
from bot.core.errors import UserError
from bot.core.localtime import local_today
from bot.learning.messages import team_progress_message
from bot.learning.progress import team_progress
from handlers.request import SlackRequest


def run(request: SlackRequest, invocation: Invocation, _client: Any) -> None:
    lead = request.member_or_refuse()
    if [arg.lower() for arg in invocation.args] != ["progress"]:
        raise UserError("progress.usage")
    deps = request.deps
    with deps.sessions() as session:
        workspace = session.get(Workspace, lead.workspace_id)
        assert workspace is not None
        today = local_today(lead, workspace, deps.now())
        progress = team_progress(session, deps.library, lead, calendar_for(workspace), today)
    request.audit("progress.viewed")
    request.ack(team_progress_message(deps.renderer, deps.library, progress, request.locale))
