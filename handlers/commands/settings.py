"""`/coach settings`: open the personal settings modal; `/coach settings workspace` (admins) the workspace's."""

from __future__ import annotations

from bot.core.command_line import Invocation
from bot.core.errors import UserError
from bot.people.messages import settings_modal, workspace_settings_modal
from handlers.request import SlackRequest

WORKSPACE_WORDS = frozenset({"workspace", "工作区"})


def run(incoming: SlackRequest, invocation: Invocation) -> None:
    member = incoming.member_or_refuse()
    renderer = incoming.deps.renderer
    if invocation.args and invocation.args[0].lower() in WORKSPACE_WORDS:  # admins (bot.core.command_line)
        view = workspace_settings_modal(renderer, incoming.locale, incoming.workspace)
    elif invocation.args:
        raise UserError("usage.settings_takes_no_arguments")
    else:
        view = settings_modal(renderer, incoming.locale, member, incoming.workspace)
    incoming.ack()
    incoming.client.views_open(trigger_id=incoming.trigger_id, view=view)
