"""`/coach quiz`: one extra practice question, answered in place."""

from __future__ import annotations

from typing import Any

from bot.core.command_line import Invocation
from bot.learning.messages import quiz_question
from bot.learning.quiz import practice_item
from handlers.request import SlackRequest


def run(request: SlackRequest, _invocation: Invocation, _client: Any) -> None:
    member = request.member_or_refuse()
    deps = request.deps
    with deps.sessions.begin() as session:
        item = practice_item(session, deps.library, member, deps.now())
        message = quiz_question(deps.renderer, deps.library, item, request.locale) if item else None
    request.ack(message or request.render("notice", text=request.t("quiz.nothing_to_practise")))
