"""`/coach checkin`."""

from __future__ import annotations

from typing import Any

from bot.commands import Invocation
from bot.errors import UserError
from handlers.request import SlackRequest


def run(request: SlackRequest, invocation: Invocation, client: Any) -> None:
    raise UserError("usage.unknown", name="checkin")  # placeholder until the feature lands
