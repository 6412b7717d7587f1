"""Saving the admins' workspace settings modal (opened by `/coach settings workspace` or the
welcome DM's button) through the same service the CLI's `coachbot workspace set` uses."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.db.models import Role, Workspace
from bot.core.errors import UserError
from bot.people.workspace_settings import SettingError, WorkspaceChanges, apply_changes
from handlers.request import SlackRequest
from handlers.surfaces import modal
from handlers.views.state import selected


def register(app: App) -> None:
    app.view("workspace_settings")(modal(submit_workspace_settings))


# SettingError messages start with the setting's name; each maps to its modal block.
_ERROR_BLOCKS = {
    "locale": "locale",
    "timezone": "timezone",
    "lesson time": "lesson_time",
    "working days": "working_days",
    "holiday country": "holiday_country",
    "HR channel": "hr_channel",
}


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


def submit_workspace_settings(incoming: SlackRequest, view: dict[str, Any]) -> None:
    incoming.require(Role.ADMIN)
    try:
        with incoming.deps.sessions.begin() as session:
            workspace = session.get(Workspace, incoming.workspace_id)
            assert workspace is not None
            apply_changes(session, workspace, changes_from(view), incoming.user_id, incoming.deps.now())
    except SettingError as error:  # nothing was saved: the transaction rolled back
        block = next((b for prefix, b in _ERROR_BLOCKS.items() if str(error).startswith(prefix)), "locale")
        raise UserError(f"ops.workspace.invalid.{block}", block=block) from error
