"""`/coach help`: the commands this person may use, in their language."""

from __future__ import annotations

from bot.core.command_line import Invocation, help_keys
from handlers.request import SlackRequest


def run(incoming: SlackRequest, _invocation: Invocation) -> None:
    role = incoming.member.role if incoming.member and incoming.member.active else None
    incoming.ack(incoming.render("help", commands=help_keys(role), in_roster=role is not None))
