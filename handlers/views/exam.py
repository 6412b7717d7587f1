"""Exam modals: handing in the exam, grading the short answers."""

from __future__ import annotations

from typing import Any

from bot.certification.certificates import require_assessor
from bot.certification.exams import grade_attempt, submit_attempt
from bot.certification.messages import exam_graded_message
from bot.certification.models import ExamAttempt, ExamWindow
from bot.core.db.models import Member, Workspace
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.i18n import member_locale
from bot.core.outbox import post_message
from bot.people.members import find_member
from handlers.request import SlackRequest
from handlers.views.state import selected


def submit_exam(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]))
    attempt_id = int(view.get("private_metadata") or 0)
    now = deps.now()
    try:
        with deps.sessions.begin() as session:
            member = request.member_or_refuse()
            attempt = session.get(ExamAttempt, attempt_id)
            if attempt is None or attempt.member_id != member.id:
                raise UserError("exam.errors.no_window")
            answers = {q: selected(view, f"q-{q}", "choice") or "" for q in attempt.question_ids}
            missing = {f"q-{q}": request.t("exam.errors.answer_all") for q, a in answers.items() if not a}
            if missing:
                ack(response_action="errors", errors=missing)
                return
            exam_shorts = [
                b["block_id"][2:] for b in view.get("blocks") or [] if str(b.get("block_id", "")).startswith("s-")
            ]
            shorts = {s: selected(view, f"s-{s}", "text") or "" for s in exam_shorts}
            result = submit_attempt(session, deps.library, member, attempt_id, answers, shorts, now)
            workspace = session.get(Workspace, member.workspace_id)
            window = session.get(ExamWindow, attempt.window_id)
            assert workspace is not None and window is not None
            grader = find_member(session, member.workspace_id, window.opened_by)
            _notify(
                deps, session, workspace, member, grader, result.choice_points, result.choice_total, attempt_id, now
            )
    except UserError as error:
        ack(response_action="errors", errors={"q-" + _first(view): request.t(error.key, **error.params)})
        return
    ack()


def _first(view: dict[str, Any]) -> str:
    blocks = [b.get("block_id", "") for b in view.get("blocks") or [] if str(b.get("block_id", "")).startswith("q-")]
    return blocks[0][2:] if blocks else ""


def _notify(
    deps: Any,
    session: Any,
    workspace: Workspace,
    member: Member,
    grader: Member | None,
    points: int,
    total: int,
    attempt_id: int,
    now: Any,
) -> None:
    locale = member_locale(member, workspace)
    done = deps.renderer.t(locale, "exam.submitted", points=points, total=total)
    post_message(
        session,
        workspace_id=member.workspace_id,
        channel=member.slack_id,
        now=now,
        message=deps.renderer.message("notice", locale, text=done),
        dedupe_key=f"exam-submitted:{attempt_id}",
    )
    if grader is not None:
        grader_locale = member_locale(grader, workspace)
        text = deps.renderer.t(grader_locale, "exam.to_grade", name=member.name, points=points, total=total)
        post_message(
            session,
            workspace_id=member.workspace_id,
            channel=grader.slack_id,
            now=now,
            message=deps.renderer.message("exam_to_grade", grader_locale, text=text, attempt_id=attempt_id),
            dedupe_key=f"exam-to-grade:{attempt_id}",
        )


def submit_grades(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]))
    blocks = [b["block_id"] for b in view.get("blocks") or [] if str(b.get("block_id", "")).startswith("g-")]
    points: dict[str, int] = {}
    for block in blocks:
        value = selected(view, block, "points") or ""
        if not value.strip().lstrip("-").isdigit():
            ack(response_action="errors", errors={block: request.t("exam.errors.points", limit=30)})
            return
        points[block[2:]] = int(value)
    now = deps.now()
    try:
        with deps.sessions.begin() as session:
            grader = request.member_or_refuse()
            attempt = session.get(ExamAttempt, int(view.get("private_metadata") or 0))
            holder = session.get(Member, attempt.member_id) if attempt else None
            if attempt is None or holder is None:
                raise UserError("exam.errors.not_submitted")
            require_assessor(session, grader, holder)
            graded = grade_attempt(session, deps.library, attempt.id, grader.slack_id, points, now)
            workspace = session.get(Workspace, holder.workspace_id)
            assert workspace is not None and graded.theory_score is not None
            message = exam_graded_message(
                deps.renderer, deps.library, member_locale(holder, workspace), graded.theory_score
            )
            post_message(
                session,
                workspace_id=holder.workspace_id,
                channel=holder.slack_id,
                message=message,
                dedupe_key=f"exam-graded:{attempt.id}",
                now=now,
            )
    except UserError as error:
        ack(response_action="errors", errors={blocks[0] if blocks else "g": request.t(error.key, **error.params)})
        return
    ack()
