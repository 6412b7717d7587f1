"""Certification buttons: book a re-evaluation, page through the team register."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.certification.certificates import book_reevaluation, require_assessor
from bot.certification.messages import exam_grade_modal
from bot.certification.models import ExamAttempt
from bot.certification.reminders import lead_of
from bot.core.db.models import Member, Role, Workspace
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.i18n import member_locale
from bot.core.localtime import local_today
from bot.core.outbox import post_message
from handlers.commands.cert import show_team
from handlers.request import SlackRequest
from handlers.surfaces import answering


def register(app: App) -> None:
    app.action("cert_book")(book)
    app.action("cert_team_next")(page)
    app.action("cert_team_prev")(page)
    app.action("exam_grade")(open_grading)


def _request(body: dict[str, Any], respond: Any, context: Any) -> SlackRequest:
    request = SlackRequest.load(deps_of(context), str(body["team"]["id"]), str(body["user"]["id"]), _respond=respond)
    request.acked = True
    return request


def book(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, context: Any) -> None:
    ack()
    request = _request(body, respond, context)

    def work() -> None:
        actor = request.member_or_refuse()
        value = str(action.get("value") or "")
        if not value.isdigit():
            raise UserError("cert.errors.unknown_certificate")
        deps, now = request.deps, request.deps.now()
        with deps.sessions.begin() as session:
            workspace = session.get(Workspace, actor.workspace_id)
            assert workspace is not None
            cert = book_reevaluation(session, int(value), actor, local_today(actor, workspace, now), now)
            holder = cert.member
            others = {p.slack_id: p for p in (holder, lead_of(session, holder)) if p and p.id != actor.id}
            for person in others.values():
                text = deps.renderer.t(
                    member_locale(person, workspace),
                    "cert.booked_notice",
                    actor=actor.name,
                    number=cert.number,
                    name=cert.holder_name,
                )
                post_message(
                    session,
                    workspace_id=actor.workspace_id,
                    channel=person.slack_id,
                    now=now,
                    message=deps.renderer.message("notice", member_locale(person, workspace), text=text),
                    dedupe_key=f"cert-booked:{cert.id}:{person.slack_id}",
                )
            done = request.t("cert.booked_done", number=cert.number, name=cert.holder_name)
        request.reply(request.render("notice", text=done))

    answering(request, work)


def page(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, context: Any) -> None:
    ack()
    request = _request(body, respond, context)

    def work() -> None:
        request.require(Role.LEAD)
        number = str(action.get("value") or "1")
        show_team(request, int(number) if number.isdigit() else 1)

    answering(request, work)


def open_grading(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, respond: Any, context: Any
) -> None:
    ack()
    request = _request(body, respond, context)

    def work() -> None:
        grader, deps = request.member_or_refuse(), request.deps
        value = str(action.get("value") or "")
        with deps.sessions() as session:
            attempt = session.get(ExamAttempt, int(value)) if value.isdigit() else None
            holder = session.get(Member, attempt.member_id) if attempt else None
            if attempt is None or holder is None or attempt.status == "started":
                raise UserError("exam.errors.not_submitted")
            require_assessor(session, grader, holder)
            view = exam_grade_modal(deps.renderer, deps.library, request.locale, attempt, holder.name)
        client.views_open(trigger_id=body.get("trigger_id"), view=view)

    answering(request, work)
