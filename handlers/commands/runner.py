"""What a `/coach` subcommand is: a function of the request and the parsed command line."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.command_line import Invocation
from handlers.request import SlackRequest

Runner = Callable[[SlackRequest, Invocation], None]
