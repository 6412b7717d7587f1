"""`/coach help`: the commands this person may use, in their language."""

from __future__ import annotations

from typing import Any

from bot.core.command_line import Invocation, visible_to
from handlers.request import SlackRequest


def run(request: SlackRequest, _invocation: Invocation, _client: Any) -> None:
    role = request.member.role if request.member and request.member.active else None
    names = [sub.name for sub in visible_to(role)]
    request.ack(request.render("help", commands=names, in_roster=role is not None))
