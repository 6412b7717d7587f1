"""`/coach team progress` (leads): per-module accuracy, participation, weakest modules, inactive agents."""

from __future__ import annotations

from typing import Any

from bot.commands import Invocation
from bot.db.models import Workspace
from bot.errors import UserError
from bot.messages.learning import team_progress_message
from bot.services.calendar import calendar_for
from bot.services.localtime import local_today
from bot.services.progress import team_progress
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
