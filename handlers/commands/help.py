"""`/coach help`: the commands this person may use, in their language."""

from __future__ import annotations

from bot.core.command_line import Invocation, visible_to
from handlers.request import SlackRequest


def run(incoming: SlackRequest, _invocation: Invocation) -> None:
    role = incoming.member.role if incoming.member and incoming.member.active else None
    names = [sub.name for sub in visible_to(role)]
    incoming.ack(incoming.render("help", commands=names, in_roster=role is not None))
