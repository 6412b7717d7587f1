"""`/coach lesson`: today's (or the latest) lesson again; a preview before the first one."""

from __future__ import annotations

from typing import Any

from bot.core.command_line import Invocation
from bot.learning.lessons import delivered_lesson_ids, latest_lesson, next_lesson
from bot.learning.messages import lesson_card
from handlers.request import SlackRequest


def run(request: SlackRequest, _invocation: Invocation, _client: Any) -> None:
    member = request.member_or_refuse()
    library = request.deps.library
    with request.deps.sessions() as session:
        lesson, day = latest_lesson(session, library, member.id)
        upcoming = None if lesson else next_lesson(library, delivered_lesson_ids(session, member.id))
    renderer = request.deps.renderer
    if lesson and day:
        intro = request.t("lesson.again", date=day.isoformat())
        request.ack(lesson_card(renderer, library, lesson, request.locale, footer=False, intro=intro))
    elif upcoming:
        intro = request.t("lesson.preview", time=member.lesson_time or "09:30")
        request.ack(lesson_card(renderer, library, upcoming, request.locale, footer=False, intro=intro))
    else:
        request.ack(request.render("notice", text=request.t("lesson.finished")))
