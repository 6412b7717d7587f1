"""Saving a check-in or the check-in settings: field errors stay in the modal; the answer,
and any coping help, arrives by DM to the person only."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.errors import FieldErrors, UserError
from bot.core.render import lines
from bot.core.slack_text import parse_id
from bot.wellbeing import checkins, use_cases
from handlers.request import SlackRequest
from handlers.surfaces import modal
from handlers.views.state import selected


def register(app: App) -> None:
    app.view("checkin")(modal(submit_checkin))
    app.view("checkin_settings")(modal(submit_checkin_settings))


def ticked(view: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    """Values of ticked checkboxes (or a multi-select) in a submitted modal."""
    element = ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get(action_id) or {}
    options = element.get("selected_options") or []
    return [str(o["value"]) for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)]


def _refuse(errors: dict[str, str]) -> FieldErrors:
    return FieldErrors({block: UserError(key, block=block) for block, key in errors.items()})


def submit_checkin(incoming: SlackRequest, view: dict[str, Any]) -> None:
    member = incoming.member_or_refuse()
    answer, errors = checkins.parse_answer(
        selected(view, "stress", "stress"),
        selected(view, "energy", "energy"),
        ticked(view, "tags", "tags"),
        selected(view, "note", "note"),
        incoming.deps.library.coping.situations,
    )
    if answer is None:
        raise _refuse(errors)
    prompt = str(view.get("private_metadata") or "")
    with incoming.once() as session:
        use_cases.submit_checkin(session, incoming.notifier, member, answer, parse_id(prompt))


def submit_checkin_settings(incoming: SlackRequest, view: dict[str, Any]) -> None:
    member = incoming.member_or_refuse()
    prefs, errors = checkins.parse_settings(
        selected(view, "prompt_time", "prompt_time"),
        selected(view, "prompts", "prompts"),
        "yes" if "yes" in ticked(view, "supporter", "supporter") else "no",
    )
    if prefs is None:
        raise _refuse(errors)
    notifier = incoming.notifier
    with incoming.deps.sessions.begin() as session:
        checkins.save_preferences(
            session,
            member,
            notifier.now,
            prompt_time=prefs.prompt_time,
            prompts_enabled=prefs.prompts_enabled,
            peer_supporter=prefs.peer_supporter,
        )
        text = [
            incoming.t("checkin.settings.saved_on", time=prefs.prompt_time)
            if prefs.prompts_enabled
            else incoming.t("checkin.settings.saved_off"),
            incoming.t("checkin.settings.supporter_yes" if prefs.peer_supporter else "checkin.settings.supporter_no"),
        ]
        key = f"checkin-settings:{member.id}:{view.get('id')}:{view.get('hash', '')}"
        notifier.deliver(session, member, incoming.render("notice", text=lines(*text)), key)
