"""Certification modals: recording an assessment, handing in the exam, grading it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from slack_bolt import App

from bot.certification import use_cases
from bot.certification.exams import PageResult, blueprint
from bot.certification.messages import exam_clock, exam_modal
from bot.certification.rules import parse_score
from bot.core.errors import FieldErrors, UserError
from bot.core.slack_text import parse_id
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
    return parse_id(value.partition(":")[0]) or 0


def _metadata_revision(view: dict[str, Any]) -> int | None:
    """The revision a form was built from (``attempt:revision``); None on an older form."""
    _, _, revision = str(view.get("private_metadata") or "").partition(":")
    return int(revision) if revision.isdigit() else None


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
    """One page of the exam: saved, then the next page in place of this one."""
    member, deps = incoming.member_or_refuse(), incoming.deps
    answers = {block[2:]: selected(view, block, "choice") or "" for block in _blocks(view, "q-")}
    shorts = {block[2:]: selected(view, block, "text") or "" for block in _blocks(view, "s-")}
    with deps.sessions.begin() as session:
        step = use_cases.save_exam_page(
            session, incoming.notifier, member, _metadata_id(view), _metadata_revision(view) or 0, answers, shorts
        )
        clock = exam_clock(deps.renderer, incoming.locale, step.closes, step.minutes_left)
        page = (
            exam_modal(deps.renderer, deps.library, incoming.locale, step.attempt, step.page, clock)
            if step.page
            else None
        )
    if step.result is PageResult.LATE:
        raise UserError("exam.errors.time_up", closes=step.closes)
    if page is not None:
        incoming.ack(response_action="update", view=page)


def submit_grades(incoming: SlackRequest, view: dict[str, Any]) -> None:
    """Half points allowed (the one score parser); a re-grade carries its reason."""
    grader = incoming.member_or_refuse()
    points: dict[str, Decimal] = {}
    errors: dict[str, UserError] = {}
    for number, short in enumerate(blueprint(incoming.deps.library).short_answers, start=1):
        block, label = f"g-{short.id}", incoming.t("exam.points_label", number=number, points=short.points)
        try:
            points[short.id] = parse_score(selected(view, block, "points") or "", str(label), short.points)
        except UserError as error:
            errors[block] = error
    if errors:
        raise FieldErrors(errors)
    reason = selected(view, "reason", "reason") or ""
    with incoming.deps.sessions.begin() as session:
        use_cases.grade_exam(
            session, incoming.notifier, grader, _metadata_id(view), points,
            revision=_metadata_revision(view), reason=reason,
        )  # fmt: skip
