"""Certification modals: recording an assessment, handing in the exam, grading it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from slack_bolt import App

from bot.certification import use_cases
from bot.certification.rules import parse_score
from bot.core.errors import FieldErrors, UserError
from bot.core.slack_text import parse_count, parse_id
from handlers.request import SlackRequest
from handlers.surfaces import modal
from handlers.views.state import selected

SCORES = ("theory", "practical", "daily")


def register(app: App) -> None:
    app.view("cert_assess")(modal(submit_assessment))
    app.view("exam_submit")(modal(submit_exam))
    app.view("exam_grade")(modal(submit_grades))


def _metadata_id(view: dict[str, Any]) -> int:
    value = str(view.get("private_metadata") or "")
    return parse_id(value) or 0


def _blocks(view: dict[str, Any], prefix: str) -> list[str]:
    return [str(b["block_id"]) for b in view.get("blocks") or [] if str(b.get("block_id", "")).startswith(prefix)]


def submit_assessment(incoming: SlackRequest, view: dict[str, Any]) -> None:
    assessor = incoming.member_or_refuse()
    scores: dict[str, Decimal] = {}
    errors: dict[str, UserError] = {}
    for field in SCORES:
        try:
            scores[field] = parse_score(selected(view, field, field) or "", incoming.t(f"cert.assess.{field}"))
        except UserError as error:
            errors[field] = error
    if errors:
        raise FieldErrors(errors)
    with incoming.deps.sessions.begin() as session:
        use_cases.assess(session, incoming.notifier, assessor, _metadata_id(view), scores)


def submit_exam(incoming: SlackRequest, view: dict[str, Any]) -> None:
    member = incoming.member_or_refuse()
    attempt_id = _metadata_id(view)
    with incoming.deps.sessions.begin() as session:
        questions = use_cases.own_attempt(session, member, attempt_id).question_ids
        answers = {q: selected(view, f"q-{q}", "choice") or "" for q in questions}
        missing = {f"q-{q}": UserError("exam.errors.answer_all") for q, a in answers.items() if not a}
        if missing:
            raise FieldErrors(missing)
        shorts = {block[2:]: selected(view, block, "text") or "" for block in _blocks(view, "s-")}
        use_cases.hand_in_exam(session, incoming.notifier, member, attempt_id, answers, shorts)


def submit_grades(incoming: SlackRequest, view: dict[str, Any]) -> None:
    grader = incoming.member_or_refuse()
    points: dict[str, int] = {}
    for block in _blocks(view, "g-"):
        value = selected(view, block, "points") or ""
        number = parse_count(value.strip().removeprefix("-"), maximum=1000)
        if number is None:
            raise UserError("exam.errors.points", block=block, limit=30)
        points[block[2:]] = -number if value.strip().startswith("-") else number
    with incoming.deps.sessions.begin() as session:
        use_cases.grade_exam(session, incoming.notifier, grader, _metadata_id(view), points)
