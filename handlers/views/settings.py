"""Saving the settings modal: field errors shown in the modal, a DM confirms the change."""

from __future__ import annotations

from typing import Any

from bot.core.db.models import Workspace
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.localtime import local_today
from bot.core.outbox import post_message
from bot.people.preferences import parse_preferences, save_preferences
from handlers.request import SlackRequest
from handlers.views.state import selected


def submit_settings(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]))
    if request.member is None:
        ack(response_action="errors", errors={"locale": request.t("errors.not_in_roster")})
        return
    now = deps.now()
    with deps.sessions.begin() as session:
        workspace = session.get(Workspace, request.workspace_id)
        assert workspace is not None
        today = local_today(request.member, workspace, now)
        prefs, errors = parse_preferences(
            selected(view, "locale", "locale"),
            selected(view, "lesson_time", "lesson_time"),
            selected(view, "paused_until", "paused_until"),
            today,
        )
        if prefs is None:
            ack(response_action="errors", errors={block: request.t(key) for block, key in errors.items()})
            return
        try:
            save_preferences(session, request.workspace_id, request.user_id, prefs, today, now)
        except UserError as error:
            ack(response_action="errors", errors={"locale": request.t(error.key, **error.params)})
            return
        saved = deps.renderer.message(
            "settings_saved",
            prefs.locale,
            lesson_time=prefs.lesson_time,
            paused_until=prefs.paused_until.isoformat() if prefs.paused_until else None,
        )
        post_message(
            session,
            workspace_id=request.workspace_id,
            channel=request.user_id,
            message=saved,
            dedupe_key=f"settings-saved:{request.user_id}:{view.get('id')}:{view.get('hash', '')}",
            now=now,
        )
    ack()
