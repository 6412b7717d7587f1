"""Answer buttons on quiz questions: the message updates in place; repeats get a polite note."""

from __future__ import annotations

from typing import Any

from bot.core.calendar import calendar_for
from bot.core.db.models import Workspace
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.localtime import local_today
from bot.learning.messages import quiz_result
from bot.learning.quiz import AnswerStatus, answer
from bot.learning.streaks import streak
from handlers.request import SlackRequest, answering


def _choice(body: dict[str, Any], action: dict[str, Any]) -> tuple[int, list[str]]:
    """(quiz item id, chosen option ids) from a button value or the checkboxes' state."""
    value = str(action.get("value") or "")
    item, _, option = value.partition(":")
    if not item.isdigit():
        raise UserError("quiz.unavailable")
    if action.get("action_id") == "quiz_submit":
        state = ((body.get("state") or {}).get("values") or {}).get(f"choices-{item}", {})
        selected = (state.get("quiz_choices") or {}).get("selected_options") or []
        chosen = [str(o.get("value")) for o in selected if isinstance(o, dict)]
        if not chosen:
            raise UserError("quiz.pick_one")
        return int(item), chosen
    return int(item), [option]


def answer_quiz(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, context: Any) -> None:
    ack()
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]), _respond=respond)
    request.acked = True

    def work() -> None:
        member = request.member_or_refuse()
        item_id, chosen = _choice(body, action)
        with deps.sessions.begin() as session:
            workspace = session.get(Workspace, member.workspace_id)
            assert workspace is not None
            today = local_today(member, workspace, deps.now())
            outcome = answer(session, deps.library, member, item_id, chosen, deps.now(), today)
            days = streak(session, member.id, calendar_for(workspace), today).current if outcome.item else 0
        if outcome.status is AnswerStatus.RECORDED and outcome.question and outcome.item:
            result = quiz_result(
                deps.renderer, outcome.question, outcome.item.chosen or [], outcome.correct, days, request.locale
            )
            respond(replace_original=True, **result.as_payload())
        elif outcome.status is AnswerStatus.ALREADY and outcome.item:
            letters = ", ".join(c.upper() for c in outcome.item.chosen or [])
            request.reply(request.render("notice", text=request.t("quiz.already", chosen=letters)))
        elif outcome.status is AnswerStatus.NOT_YOURS:
            raise UserError("quiz.not_yours")
        else:
            raise UserError("quiz.unavailable")

    answering(request, work)


def acknowledge_only(ack: Any) -> None:
    """Ticking a checkbox changes nothing until the answer is submitted."""
    ack()
