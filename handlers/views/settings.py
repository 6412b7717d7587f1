"""Saving the settings modal: field errors shown in the modal, a DM confirms the change."""

from __future__ import annotations

from typing import Any

from bot.deps import deps_of
from bot.errors import UserError
from bot.outbox import post_message
from bot.services.preferences import Preferences, save_preferences, validate_preferences
from handlers.request import SlackRequest
from handlers.views.state import selected


def submit_settings(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]))
    locale = selected(view, "locale", "locale")
    lesson_time = selected(view, "lesson_time", "lesson_time")
    errors = validate_preferences(locale, lesson_time)
    if errors:
        ack(response_action="errors", errors={block: request.t(key) for block, key in errors.items()})
        return
    assert locale is not None and lesson_time is not None
    try:
        with deps.sessions.begin() as session:
            now = deps.now()
            save_preferences(session, request.workspace_id, request.user_id, Preferences(locale, lesson_time), now)
            confirmation = deps.renderer.message("settings_saved", locale, lesson_time=lesson_time)
            post_message(
                session,
                workspace_id=request.workspace_id,
                channel=request.user_id,
                message=confirmation,
                dedupe_key=f"settings-saved:{request.user_id}:{view.get('id')}",
                now=now,
            )
    except UserError as error:
        ack(response_action="errors", errors={"locale": request.t(error.key, **error.params)})
        return
    ack()
    deps.on_outbox_write()
