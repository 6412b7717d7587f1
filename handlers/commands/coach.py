"""`/coach <subcommand> ...`: parse, find the subcommand, check the role, run it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.command_line import BY_NAME, Invocation, parse
from bot.core.deps import deps_of
from handlers.commands import cert, checkin, exam, lesson, poll, quiz, score, streak, support, team, wellbeing
from handlers.commands import help as help_command
from handlers.commands import settings as settings_command
from handlers.request import SlackRequest, answering

Runner = Callable[[SlackRequest, Invocation, Any], None]

RUNNERS: dict[str, Runner] = {
    "help": help_command.run,
    "lesson": lesson.run,
    "quiz": quiz.run,
    "streak": streak.run,
    "checkin": checkin.run,
    "support": support.run,
    "cert": cert.run,
    "exam": exam.run,
    "settings": settings_command.run,
    "team": team.run,
    "wellbeing": wellbeing.run,
    "poll": poll.run,
    "score": score.run,
}


def handle_coach(ack: Any, command: dict[str, Any], respond: Any, client: Any, context: Any) -> None:
    request = SlackRequest.load(
        deps_of(context),
        str(command.get("team_id") or ""),
        str(command.get("user_id") or ""),
        trigger_id=command.get("trigger_id"),
        channel_id=command.get("channel_id"),
        _ack=ack,
        _respond=respond,
    )

    def work() -> None:
        invocation = parse(str(command.get("text") or ""))
        subcommand = BY_NAME[invocation.name]
        if subcommand.roles is not None:
            request.require(*subcommand.roles)
        RUNNERS[invocation.name](request, invocation, client)

    answering(request, work)
    request.ack()  # whatever happened, Slack gets its answer within the 3 seconds
