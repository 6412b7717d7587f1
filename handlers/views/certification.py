"""Certification modals: recording an assessment (and grading exams)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.certification.certificates import record_assessment, require_assessor
from bot.certification.messages import assessment_message
from bot.certification.rules import parse_score
from bot.core.db.models import Member, Workspace
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.i18n import member_locale
from bot.core.localtime import local_today
from bot.core.outbox import post_message
from handlers.request import SlackRequest
from handlers.views.exam import submit_exam, submit_grades
from handlers.views.state import selected


def register(app: App) -> None:
    app.view("cert_assess")(submit_assessment)
    app.view("exam_submit")(submit_exam)
    app.view("exam_grade")(submit_grades)


def submit_assessment(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]))
    scores, errors = {}, {}
    for field in ("theory", "practical", "daily"):
        try:
            scores[field] = parse_score(selected(view, field, field) or "", request.t(f"cert.assess.{field}"))
        except UserError as error:
            errors[field] = request.t(error.key, **error.params)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    now = deps.now()
    try:
        with deps.sessions.begin() as session:
            assessor = request.member_or_refuse()
            holder = session.get(Member, int(view.get("private_metadata") or 0))
            if holder is None or holder.workspace_id != request.workspace_id:
                raise UserError("cert.errors.unknown_person")
            require_assessor(session, assessor, holder)
            workspace = session.get(Workspace, holder.workspace_id)
            assert workspace is not None
            result = record_assessment(
                session,
                holder=holder,
                assessor=request.user_id,
                today=local_today(holder, workspace, now),
                now=now,
                **scores,
            )
            key = f"cert-assessed:{result.assessment.id}"
            for person in {holder.slack_id: holder, assessor.slack_id: assessor}.values():
                message = assessment_message(deps.renderer, member_locale(person, workspace), holder.name, result)
                post_message(
                    session,
                    workspace_id=holder.workspace_id,
                    channel=person.slack_id,
                    message=message,
                    dedupe_key=f"{key}:{person.slack_id}",
                    now=now,
                )
    except UserError as error:
        ack(response_action="errors", errors={"theory": request.t(error.key, **error.params)})
        return
    ack()
