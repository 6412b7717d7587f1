"""Certification buttons: book a re-evaluation, page through the team register, grade an exam."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.certification import use_cases
from bot.certification.certificates import require_assessor
from bot.certification.messages import exam_grade_modal
from bot.certification.models import ExamAttempt
from bot.core.command_line import Invocation, roles_for
from bot.core.db.models import Member
from bot.core.errors import UserError
from bot.core.slack_text import parse_id
from handlers.commands.cert import show_team
from handlers.request import SlackRequest
from handlers.surfaces import button


def register(app: App) -> None:
    app.action("cert_book")(button(book))
    app.action("cert_team_next")(button(page))
    app.action("cert_team_prev")(button(page))
    app.action("exam_grade")(button(open_grading))


def _number(action: dict[str, Any], error: str) -> int:
    number = parse_id(action.get("value") or "")
    if number is None:
        raise UserError(error)
    return number


def book(incoming: SlackRequest, action: dict[str, Any]) -> None:
    actor = incoming.member_or_refuse()
    certificate_id = _number(action, "cert.errors.unknown_certificate")
    with incoming.deps.sessions.begin() as session:
        cert = use_cases.book(session, incoming.notifier, certificate_id, actor)
        number, name = cert.number, cert.holder_name
    incoming.notice("cert.booked_done", number=number, name=name)


def page(incoming: SlackRequest, action: dict[str, Any]) -> None:
    """A page button of the register: ``page`` or ``page:team_id``, checked like the command."""
    incoming.require(*(roles_for(Invocation("cert", ("team",))) or ()))
    number, _, team = str(action.get("value") or "1").partition(":")
    show_team(incoming, parse_id(number) or 1, team_id=parse_id(team) if team else None)


def open_grading(incoming: SlackRequest, action: dict[str, Any]) -> None:
    grader, deps = incoming.member_or_refuse(), incoming.deps
    attempt_id = _number(action, "exam.errors.not_submitted")
    with deps.sessions() as session:
        attempt = session.get(ExamAttempt, attempt_id)
        holder = session.get(Member, attempt.member_id) if attempt else None
        if attempt is None or holder is None or attempt.status == "started":
            raise UserError("exam.errors.not_submitted")
        require_assessor(session, grader, holder)
        view = exam_grade_modal(deps.renderer, deps.library, incoming.locale, attempt, holder.name)
        holder_slack = holder.slack_id
    incoming.client.views_open(trigger_id=incoming.trigger_id, view=view)
    incoming.audit("exam.answers_viewed", subject=holder_slack)  # the agent's written answers
