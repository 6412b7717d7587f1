"""Poll and scoring modals: field errors shown next to the fields, everything else queued."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.audit import record
from bot.core.db.models import Role, Workspace
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.localtime import member_zone
from bot.polls.arguments import PollSpec, deadline_from_picker, validate_poll
from bot.polls.messages import post_quick_poll
from bot.polls.quick_polls import create_quick_poll
from bot.polls.scoring import (
    check_setup,
    create_scoring_poll,
    find_scoring_poll,
    parse_scores,
    parse_setup,
    save_score,
)
from bot.polls.scoring_messages import confirm_score, post_status, refresh_status, send_invites
from handlers.request import SlackRequest
from handlers.views.state import selected


def _element(view: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    values = ((view.get("state") or {}).get("values") or {}).get(block_id, {})
    element = values.get(action_id) or {}
    return element if isinstance(element, dict) else {}


def _checked(view: dict[str, Any], block_id: str) -> list[str]:
    options = _element(view, block_id, block_id).get("selected_options") or []
    return [str(option.get("value")) for option in options if isinstance(option, dict)]


def _errors(ack: Any, request: SlackRequest, errors: dict[str, UserError]) -> None:
    ack(response_action="errors", errors={block: request.t(e.key, **e.params) for block, e in errors.items()})


def _load(body: dict[str, Any], context: Any) -> SlackRequest:
    return SlackRequest.load(deps_of(context), str(body["team"]["id"]), str(body["user"]["id"]))


def submit_poll(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    request = _load(body, context)
    deps, now = request.deps, request.deps.now()
    if request.member is None:
        _errors(ack, request, {"question": UserError("errors.not_in_roster")})
        return
    with deps.sessions.begin() as session:
        workspace = session.get(Workspace, request.workspace_id)
        assert workspace is not None
        zone = member_zone(request.member, workspace)
        try:
            options = (selected(view, "options", "options") or "").splitlines()
            question, cleaned = validate_poll(selected(view, "question", "question") or "", options)
        except UserError as error:
            _errors(ack, request, {"options" if "option" in error.key else "question": error})
            return
        day, clock = selected(view, "until_date", "until_date"), selected(view, "until_time", "until_time")
        try:
            deadline = deadline_from_picker(day, clock or "18:00", zone, now) if day else None
        except UserError as error:
            _errors(ack, request, {"until_date": error})
            return
        flags = _checked(view, "settings")
        spec = PollSpec(question, cleaned, "anonymous" in flags, "multi" in flags, "hidden" in flags, deadline)
        poll = create_quick_poll(
            session, workspace_id=request.workspace_id, creator=request.user_id,
            channel=str(view.get("private_metadata") or ""), spec=spec, locale=request.locale, now=now,
        )  # fmt: skip
        post_quick_poll(session, deps.renderer, poll, now)
    ack()


def submit_score_setup(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    request = _load(body, context)
    deps, now = request.deps, request.deps.now()
    lead = request.member
    if lead is None or lead.role not in (Role.LEAD, Role.HR, Role.ADMIN):
        _errors(ack, request, {"agent": UserError("errors.role_required", roles="hr, lead")})
        return
    with deps.sessions.begin() as session:
        workspace = session.get(Workspace, request.workspace_id)
        assert workspace is not None
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
            zone=member_zone(lead, workspace),
            now=now,
        )
        errors = check_setup(setup, deps.library, session, request.workspace_id) | errors
        if errors:
            _errors(ack, request, errors)
            return
        poll = create_scoring_poll(session, request.workspace_id, lead, setup, now)
        send_invites(session, deps.renderer, deps.library, poll, now)
        post_status(session, deps.renderer, poll, now)
        record(session, workspace_id=request.workspace_id, actor=request.user_id, action="scoring_poll.created",
               now=now, subject=setup.agent, detail={"poll_id": poll.id, "judges": list(setup.judges)})  # fmt: skip
    ack()


def submit_score(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    request = _load(body, context)
    deps, now = request.deps, request.deps.now()
    metadata = str(view.get("private_metadata") or "")
    with deps.sessions.begin() as session:
        try:
            poll = find_scoring_poll(session, request.workspace_id, int(metadata) if metadata.isdigit() else 0)
        except UserError as error:
            _errors(ack, request, {"comment": error})
            return
        rubric = deps.library.rubric(poll.rubric_id)
        raw = {c.id: selected(view, f"crit_{c.id}", "points") for c in rubric.criteria}
        scores, problems = parse_scores(rubric, poll.scale_max, raw)
        if scores is None:
            _errors(ack, request, {f"crit_{criterion}": error for criterion, error in problems.items()})
            return
        try:
            row = save_score(session, poll.id, request.workspace_id, request.user_id, scores,
                             selected(view, "comment", "comment"), now)  # fmt: skip
        except UserError as error:
            _errors(ack, request, {f"crit_{rubric.criteria[0].id}": error})
            return
        confirm_score(session, deps.renderer, deps.library, poll, row, now)
        refresh_status(session, deps.renderer, poll, now)
    ack()


def register(app: App) -> None:
    app.view("poll_create")(submit_poll)
    app.view("score_setup")(submit_score_setup)
    app.view("score_submit")(submit_score)
