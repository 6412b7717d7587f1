"""The admins' workspace settings modal: opened by `/coach settings workspace` or the welcome
DM's button; saved through the same service the CLI's `coachbot workspace set` uses."""

from __future__ import annotations

from typing import Any

from bot.core.db.models import Role, Workspace
from bot.core.deps import deps_of
from bot.people.workspace_settings import SettingError, WorkspaceChanges, apply_changes, describe_weekdays
from handlers.request import SlackRequest
from handlers.surfaces import answering
from handlers.views.state import selected

# SettingError messages start with the setting's name; each maps to its modal block.
_ERROR_BLOCKS = {
    "locale": "locale",
    "timezone": "timezone",
    "lesson time": "lesson_time",
    "working days": "working_days",
    "holiday country": "holiday_country",
    "HR channel": "hr_channel",
}


def open_workspace_settings(request: SlackRequest, client: Any) -> None:
    request.require(Role.ADMIN)
    with request.deps.sessions() as session:
        workspace = session.get(Workspace, request.workspace_id)
        assert workspace is not None
        view = request.deps.renderer.view(
            "workspace_settings_modal",
            request.locale,
            workspace=workspace,
            weekdays=describe_weekdays(workspace.working_days).split(","),
        )
    request.ack()
    client.views_open(trigger_id=request.trigger_id, view=view)


def open_from_button(ack: Any, body: dict[str, Any], respond: Any, client: Any, context: Any) -> None:
    ack()
    request = SlackRequest.load(
        deps_of(context),
        str(body["team"]["id"]),
        str(body["user"]["id"]),
        trigger_id=body.get("trigger_id"),
        _respond=respond,
    )
    request.acked = True
    answering(request, lambda: open_workspace_settings(request, client))


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    element = values.get(block_id, {}).get(block_id) or {}
    return element if isinstance(element, dict) else {}


def _ticked(view: dict[str, Any], block_id: str) -> list[str]:
    return [str(o.get("value")) for o in _element(view, block_id).get("selected_options") or [] if isinstance(o, dict)]


def changes_from(view: dict[str, Any]) -> WorkspaceChanges:
    return WorkspaceChanges(
        locale=selected(view, "locale", "locale"),
        timezone=(selected(view, "timezone", "timezone") or "").strip(),
        lesson_time=selected(view, "lesson_time", "lesson_time"),
        working_days=",".join(_ticked(view, "working_days")),
        holiday_country=(selected(view, "holiday_country", "holiday_country") or "none").strip() or "none",
        hr_channel=str(_element(view, "hr_channel").get("selected_conversation") or ""),
        lead_weekly_summary="on" in _ticked(view, "lead_weekly_summary"),
    )


def submit_workspace_settings(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]))
    member = request.member
    if member is None or not member.active or member.role != Role.ADMIN:
        ack(response_action="errors", errors={"locale": request.t("errors.role_required", roles="admin")})
        return
    try:
        with deps.sessions.begin() as session:
            workspace = session.get(Workspace, request.workspace_id)
            assert workspace is not None
            apply_changes(session, workspace, changes_from(view), request.user_id, deps.now())
    except SettingError as error:  # nothing was saved: the transaction rolled back
        block = next((b for prefix, b in _ERROR_BLOCKS.items() if str(error).startswith(prefix)), "locale")
        ack(response_action="errors", errors={block: request.t(f"ops.workspace.invalid.{block}")})
        return
    ack()
