"""Saving a check-in or the check-in settings: field errors stay in the modal; the answer,
and any coping help, arrives by DM to the person only."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.db.models import Member
from bot.core.deps import Deps, deps_of
from bot.core.outbox import post_message
from bot.core.render import lines
from bot.wellbeing import checkins
from bot.wellbeing.messages import checkin_saved
from bot.wellbeing.support import lead_for
from handlers.request import SlackRequest
from handlers.views.state import selected


def register(app: App) -> None:
    app.view("checkin")(submit_checkin)
    app.view("checkin_settings")(submit_checkin_settings)


def ticked(view: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    """Values of ticked checkboxes (or a multi-select) in a submitted modal."""
    element = ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get(action_id) or {}
    options = element.get("selected_options") or []
    return [str(o["value"]) for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)]


def _load(ack: Any, body: dict[str, Any], context: Any) -> tuple[Deps, SlackRequest, Member] | None:
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]))
    if request.member is None or not request.member.active:
        ack(response_action="errors", errors={"stress": request.t("errors.not_in_roster")})
        return None
    return deps, request, request.member


def submit_checkin(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    loaded = _load(ack, body, context)
    if loaded is None:
        return
    deps, request, member = loaded
    answer, errors = checkins.parse_answer(
        selected(view, "stress", "stress"),
        selected(view, "energy", "energy"),
        ticked(view, "tags", "tags"),
        selected(view, "note", "note"),
        deps.library.coping.situations,
    )
    if answer is None:
        ack(response_action="errors", errors={block: request.t(key) for block, key in errors.items()})
        return
    now = deps.now()
    with deps.sessions.begin() as session:
        prompt = str(view.get("private_metadata") or "")
        if prompt.isdigit():
            checkins.claim_prompt(session, int(prompt), member.id, now)
        saved = checkins.record_checkin(session, member, answer, checkins.today_for(session, member, now), now)
        reason = checkins.help_reason(session, member.id)
        has_lead = lead_for(session, member) is not None
        message = checkin_saved(deps.renderer, deps.library, request.locale, saved, reason, has_lead)
        key = f"checkin-saved:{saved.id}"
        post_message(
            session, workspace_id=member.workspace_id, dedupe_key=key, channel=member.slack_id, message=message, now=now
        )
    ack()


def submit_checkin_settings(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    loaded = _load(ack, body, context)
    if loaded is None:
        return
    deps, request, member = loaded
    prefs, errors = checkins.parse_settings(
        selected(view, "prompt_time", "prompt_time"),
        selected(view, "prompts", "prompts"),
        "yes" if "yes" in ticked(view, "supporter", "supporter") else "no",
    )
    if prefs is None:
        ack(response_action="errors", errors={block: request.t(key) for block, key in errors.items()})
        return
    now = deps.now()
    with deps.sessions.begin() as session:
        checkins.save_preferences(
            session,
            member,
            now,
            prompt_time=prefs.prompt_time,
            prompts_enabled=prefs.prompts_enabled,
            peer_supporter=prefs.peer_supporter,
        )
        text = [
            request.t("checkin.settings.saved_on", time=prefs.prompt_time)
            if prefs.prompts_enabled
            else request.t("checkin.settings.saved_off"),
            request.t("checkin.settings.supporter_yes" if prefs.peer_supporter else "checkin.settings.supporter_no"),
        ]
        message = request.render("notice", text=lines(*text))
        key = f"checkin-settings:{member.id}:{view.get('id')}:{view.get('hash', '')}"
        post_message(
            session, workspace_id=member.workspace_id, dedupe_key=key, channel=member.slack_id, message=message, now=now
        )
    ack()
