"""Buttons of check-ins and peer support. Nothing reaches another person unless the
person it is about pressed the button that sends it."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, Respond

from bot.core.audit import record
from bot.core.errors import UserError
from bot.core.slack_text import parse_id
from bot.wellbeing import checkins, support, use_cases
from bot.wellbeing.messages import checkin_modal
from handlers.request import SlackRequest
from handlers.surfaces import button


def register(app: App) -> None:
    app.action("checkin_open")(button(open_checkin))
    app.action(re.compile(r"^checkin_quick_[1-5]$"))(button(quick_checkin))
    app.action("checkin_delete_confirm")(button(delete_checkins))
    app.action("checkin_ask_peer")(button(ask_peer))
    app.action("checkin_talk_to_lead")(button(talk_to_lead))
    app.action("support_accept")(button(accept))
    app.action("support_reveal")(button(reveal))
    app.action("support_cancel")(button(cancel))
    app.action(re.compile(r"^support_close_(yes|no)$"))(button(close))


def _value(action: dict[str, Any]) -> str:
    return str(action.get("value") or "")


def _number(action: dict[str, Any]) -> int:
    number = parse_id(_value(action).partition(":")[0])
    if number is None:
        raise UserError("support.errors.no_longer_open")
    return number


def _replace(incoming: SlackRequest, respond: Respond, key: str, **params: object) -> None:
    respond(replace_original=True, **incoming.render("notice", text=incoming.t(key, **params)).as_payload())


def open_checkin(incoming: SlackRequest, action: dict[str, Any]) -> None:
    incoming.member_or_refuse()
    prompt = _value(action) if parse_id(_value(action)) is not None else ""
    view = checkin_modal(incoming.deps.renderer, incoming.deps.library, incoming.locale, prompt)
    incoming.client.views_open(trigger_id=incoming.trigger_id, view=view)


def quick_checkin(incoming: SlackRequest, action: dict[str, Any], respond: Respond) -> None:
    member, deps = incoming.member_or_refuse(), incoming.deps
    prompt, _, level = _value(action).partition(":")
    with deps.sessions.begin() as session:
        saved = use_cases.quick_checkin(session, incoming.notifier, member, prompt, level)
    respond(replace_original=True, **saved.message.as_payload())


def delete_checkins(incoming: SlackRequest, respond: Respond) -> None:
    member = incoming.member_or_refuse()
    with incoming.deps.sessions.begin() as session:
        count = checkins.delete_own_checkins(session, member.id)
        now = incoming.deps.now()
        record(session, workspace_id=member.workspace_id, actor=member.slack_id, action="checkin.deleted", now=now)
    _replace(incoming, respond, "checkin.delete.done", count=count)


def ask_peer(incoming: SlackRequest, action: dict[str, Any]) -> None:
    member = incoming.member_or_refuse()
    situations = incoming.deps.library.coping.situations
    tags = [tag for tag in _value(action).split(",") if tag in situations]
    topic = ", ".join(situations[tag].get(incoming.locale) for tag in tags)
    with incoming.deps.sessions.begin() as session:
        created = use_cases.ask_for_support(session, incoming.notifier, member, topic)
        reply = incoming.render(
            "support_requested",
            request_id=created.request.id,
            supporters=len(created.supporters),
            minutes=created.settings.timeout_minutes,
            fallback_channel=bool(created.settings.channel),
        )
    incoming.reply(reply)


def talk_to_lead(incoming: SlackRequest) -> None:
    member = incoming.member_or_refuse()
    with incoming.deps.sessions.begin() as session:
        lead_name = use_cases.ask_lead_to_talk(session, incoming.notifier, member).name
    incoming.notice("checkin.lead_notified", lead=lead_name)


def accept(incoming: SlackRequest, action: dict[str, Any], respond: Respond) -> None:
    member = incoming.member_or_refuse()
    with incoming.deps.sessions.begin() as session:
        result = use_cases.accept_support(session, incoming.notifier, _number(action), member)
    if result is support.AcceptResult.WON:
        _replace(incoming, respond, "support.offer.accepted")
    else:
        incoming.notice("support.offer.taken" if result is support.AcceptResult.TAKEN else "support.offer.closed")


def reveal(incoming: SlackRequest, action: dict[str, Any], respond: Respond) -> None:
    member, deps, request_id = incoming.member_or_refuse(), incoming.deps, _number(action)
    with deps.sessions() as session:
        supporter = support.supporter_awaiting_reveal(session, request_id, member)
        supporter_slack, supporter_name = supporter.slack_id, supporter.name
    opened = incoming.client.conversations_open(users=f"{member.slack_id},{supporter_slack}")
    with deps.sessions.begin() as session:
        channel = str(opened["channel"]["id"])
        use_cases.start_support_chat(session, incoming.notifier, request_id, member, supporter_name, channel)
    intro = incoming.t("support.started", name=supporter_name)
    respond(replace_original=True, **incoming.render("support_close", request_id=request_id, intro=intro).as_payload())


def cancel(incoming: SlackRequest, action: dict[str, Any], respond: Respond) -> None:
    member = incoming.member_or_refuse()
    with incoming.deps.sessions.begin() as session:
        use_cases.cancel_support(session, incoming.notifier, _number(action), member)
    _replace(incoming, respond, "support.cancelled")


def close(incoming: SlackRequest, action: dict[str, Any], respond: Respond) -> None:
    member = incoming.member_or_refuse()
    helped = _value(action).endswith(":yes")
    with incoming.deps.sessions.begin() as session:
        support.close(session, _number(action), member, helped, incoming.deps.now())
    _replace(incoming, respond, "support.close.thanks_yes" if helped else "support.close.thanks_no")
