"""Buttons on App Home."""

from __future__ import annotations

from typing import Any

from bot.core.command_line import Invocation
from bot.core.deps import deps_of
from handlers.commands import settings as settings_command
from handlers.request import SlackRequest
from handlers.surfaces import answering


def open_settings_from_home(ack: Any, body: dict[str, Any], client: Any, context: Any) -> None:
    ack()
    request = SlackRequest.load(
        deps_of(context), str(body["team"]["id"]), str(body["user"]["id"]), trigger_id=body.get("trigger_id")
    )
    answering(request, lambda: settings_command.run(request, Invocation("settings", ()), client))
