"""`/coach settings`: open the personal settings modal; `/coach settings workspace` (admins) the workspace's."""

from __future__ import annotations

from typing import Any

from bot.core.command_line import Invocation
from bot.core.errors import UserError
from handlers.request import SlackRequest
from handlers.views.workspace_settings import open_workspace_settings

WORKSPACE_WORDS = frozenset({"workspace", "工作区"})


def run(request: SlackRequest, invocation: Invocation, client: Any) -> None:
    member = request.member_or_refuse()
    if invocation.args and invocation.args[0].lower() in WORKSPACE_WORDS:
        open_workspace_settings(request, client)
        return
    if invocation.args:
        raise UserError("usage.settings_takes_no_arguments")
    request.ack()
    view = request.deps.renderer.view(
        "settings_modal",
        request.locale,
        language=member.locale or request.locale,
        lesson_time=member.lesson_time or "09:30",
        timezone=member.slack_tz or member.timezone or request.deps.settings.timezone,
        paused_until=member.paused_until.isoformat() if member.paused_until else None,
    )
    client.views_open(trigger_id=request.trigger_id, view=view)
