"""Poll and scoring modals: field errors shown next to the fields, everything else queued."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.audit import record
from bot.core.channels import why_not_postable
from bot.core.db.models import Role
from bot.core.errors import FieldErrors, UserError
from bot.core.localtime import member_zone
from bot.core.slack_text import parse_id
from bot.polls.arguments import PollSpec, deadline_from_picker, validate_poll
from bot.polls.quick_polls import create_quick_poll
from bot.polls.scoring import (
    check_setup,
    create_scoring_poll,
    find_scoring_poll,
    parse_scores,
    parse_setup,
    save_score,
)
from bot.polls.use_cases import confirm_score, post_quick_poll, post_status, refresh_status, send_invites
from handlers.request import SlackRequest
from handlers.surfaces import modal
from handlers.views.state import selected


def _element(view: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    values = ((view.get("state") or {}).get("values") or {}).get(block_id, {})
    element = values.get(action_id) or {}
    return element if isinstance(element, dict) else {}


def _checked(view: dict[str, Any], block_id: str) -> list[str]:
    options = _element(view, block_id, block_id).get("selected_options") or []
    return [str(option.get("value")) for option in options if isinstance(option, dict)]


def submit_poll(incoming: SlackRequest, view: dict[str, Any]) -> None:
    member, notifier = incoming.member_or_refuse(), incoming.notifier
    try:
        options = (selected(view, "options", "options") or "").splitlines()
        question, cleaned = validate_poll(selected(view, "question", "question") or "", options)
    except UserError as error:
        raise error.on("options" if "option" in error.key else "question") from None
    day, clock = selected(view, "until_date", "until_date"), selected(view, "until_time", "until_time")
    zone = member_zone(member, incoming.workspace)
    try:
        deadline = deadline_from_picker(day, clock or "18:00", zone, notifier.now) if day else None
    except UserError as error:
        raise error.on("until_date") from None
    flags = _checked(view, "settings")
    spec = PollSpec(question, cleaned, "anonymous" in flags, "multi" in flags, "hidden" in flags, deadline)
    channel = str(view.get("private_metadata") or "")  # set by us, but a forged form can say anything
    if problem := why_not_postable(incoming.client, channel):
        raise UserError(problem)
    with incoming.once() as session:
        poll = create_quick_poll(
            session, workspace_id=incoming.workspace_id, creator=incoming.user_id,
            channel=channel, spec=spec, locale=incoming.locale, now=notifier.now,
        )  # fmt: skip
        post_quick_poll(session, notifier, poll)


def submit_score_setup(incoming: SlackRequest, view: dict[str, Any]) -> None:
    lead, deps, notifier = incoming.member_or_refuse(), incoming.deps, incoming.notifier
    if lead.role not in (Role.LEAD, Role.HR, Role.ADMIN):
        raise UserError("errors.role_required", block="agent", roles="hr, lead")
    with incoming.once() as session:
        setup, errors = parse_setup(
            agent=_element(view, "agent", "agent").get("selected_user"),
            judges=list(_element(view, "judges", "judges").get("selected_users") or []),
            rubric_id=selected(view, "rubric", "rubric"),
            scale=selected(view, "scale", "scale"),
            day=selected(view, "deadline_date", "deadline_date"),
            clock=selected(view, "deadline_time", "deadline_time"),
            min_scores=selected(view, "min_scores", "min_scores"),
            options=_checked(view, "options"),
            scenario=selected(view, "scenario", "scenario"),
            zone=member_zone(lead, incoming.workspace),
            now=notifier.now,
        )
        errors = check_setup(setup, deps.library, session, lead) | errors
        if errors:
            raise FieldErrors(errors)
        poll = create_scoring_poll(session, incoming.workspace_id, lead, setup, notifier.now)
        send_invites(session, notifier, poll)
        post_status(session, notifier, poll)
        record(
            session,
            workspace_id=incoming.workspace_id,
            actor=incoming.user_id,
            action="scoring_poll.created",
            now=notifier.now,
            subject=setup.agent,
            detail={"poll_id": poll.id, "judges": list(setup.judges)},
        )


def submit_score(incoming: SlackRequest, view: dict[str, Any]) -> None:
    deps, notifier = incoming.deps, incoming.notifier
    metadata = str(view.get("private_metadata") or "")
    with incoming.once() as session:
        try:
            poll = find_scoring_poll(session, incoming.workspace_id, parse_id(metadata) or 0)
        except UserError as error:
            raise error.on("comment") from None
        rubric = deps.library.rubric(poll.rubric_id)
        raw = {c.id: selected(view, f"crit_{c.id}", "points") for c in rubric.criteria}
        scores, problems = parse_scores(rubric, poll.scale_max, raw, incoming.locale)
        if scores is None:
            raise FieldErrors({f"crit_{criterion}": error for criterion, error in problems.items()})
        try:
            row = save_score(session, poll.id, incoming.workspace_id, incoming.user_id, scores,
                             selected(view, "comment", "comment"), notifier.now)  # fmt: skip
        except UserError as error:
            raise error.on(f"crit_{rubric.criteria[0].id}") from None
        confirm_score(session, notifier, poll, row)
        refresh_status(session, notifier, poll)


def register(app: App) -> None:
    app.view("poll_create")(modal(submit_poll))
    app.view("score_setup")(modal(submit_score_setup))
    app.view("score_submit")(modal(submit_score))
