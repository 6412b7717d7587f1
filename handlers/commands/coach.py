"""`/coach <subcommand> ...`: parse, check the role against the table help is made from, run it."""

from __future__ import annotations

from typing import Any

from bot.core.command_line import parse, roles_for
from handlers import surfaces
from handlers.commands import cert, checkin, exam, learning, poll, score, support, wellbeing
from handlers.commands import help as help_command
from handlers.commands import settings as settings_command
from handlers.commands.runner import Runner
from handlers.request import SlackRequest

RUNNERS: dict[str, Runner] = {
    **learning.SUBCOMMANDS,
    "help": help_command.run,
    "checkin": checkin.run,
    "support": support.run,
    "cert": cert.run,
    "exam": exam.run,
    "settings": settings_command.run,
    "wellbeing": wellbeing.run,
    "poll": poll.run,
    "score": score.run,
}


@surfaces.command
def handle_coach(incoming: SlackRequest, command: dict[str, Any]) -> None:
    invocation = parse(str(command.get("text") or ""))
    roles = roles_for(invocation)  # the same table help is written from
    if roles is not None:
        incoming.require(*roles)
    RUNNERS[invocation.name](incoming, invocation)
