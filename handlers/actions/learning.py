"""Answer buttons on quiz questions: the message updates in place; repeats get a polite note."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, Respond

from bot.core.errors import UserError
from bot.core.slack_text import parse_id
from bot.learning.messages import quiz_result
from bot.learning.quiz import AnswerStatus
from bot.learning.use_cases import answer_question
from handlers.request import SlackRequest
from handlers.surfaces import button


def register(app: App) -> None:
    app.action(re.compile(r"^quiz_answer_[a-z]$"))(button(answer_quiz))
    app.action("quiz_submit")(button(answer_quiz))
    app.action("quiz_choices")(acknowledge_only)


def answer_quiz(incoming: SlackRequest, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
    member, deps = incoming.member_or_refuse(), incoming.deps
    item_id, chosen = _choice(body, action)
    with deps.sessions.begin() as session:
        answered = answer_question(session, deps.content, member, incoming.workspace, item_id, chosen, deps.now())
    outcome = answered.outcome
    assert outcome.item is not None and outcome.question is not None
    chosen_now = outcome.item.chosen or []
    if outcome.status is AnswerStatus.ALREADY:
        incoming.notice("quiz.already", chosen=", ".join(c.upper() for c in chosen_now))
        return
    result = quiz_result(
        deps.renderer, outcome.question, chosen_now, outcome.correct, answered.streak_days, incoming.locale
    )
    respond(replace_original=True, **result.as_payload())


def acknowledge_only(ack: Any) -> None:
    """Ticking a checkbox changes nothing until the answer is submitted."""
    ack()


def _choice(body: dict[str, Any], action: dict[str, Any]) -> tuple[int, list[str]]:
    """(quiz item id, chosen option ids) from a button value or the checkboxes' state."""
    value = str(action.get("value") or "")
    item, _, option = value.partition(":")
    if parse_id(item) is None:
        raise UserError("quiz.unavailable")
    if action.get("action_id") == "quiz_submit":
        state = ((body.get("state") or {}).get("values") or {}).get(f"choices-{item}", {})
        selected = (state.get("quiz_choices") or {}).get("selected_options") or []
        chosen = [str(o.get("value")) for o in selected if isinstance(o, dict)]
        if not chosen:
            raise UserError("quiz.pick_one")
        return int(item), chosen
    return int(item), [option]
