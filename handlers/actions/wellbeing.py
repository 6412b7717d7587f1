"""Buttons of check-ins and peer support. Nothing reaches another person unless the
person it is about pressed the button that sends it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.core.audit import record
from bot.core.db.models import Member, Workspace
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.i18n import member_locale
from bot.core.outbox import post_message
from bot.wellbeing import checkins, support
from bot.wellbeing.messages import checkin_modal, checkin_saved
from handlers.commands.support import cancel_request, request_support
from handlers.request import SlackRequest
from handlers.surfaces import answering

Work = Callable[[SlackRequest, Member, str, Any], None]


def register(app: App) -> None:
    app.action("checkin_open")(_listener(open_checkin))
    app.action(re.compile(r"^checkin_quick_[1-5]$"))(_listener(quick_checkin))
    app.action("checkin_delete_confirm")(_listener(delete_checkins))
    app.action("checkin_ask_peer")(_listener(ask_peer))
    app.action("checkin_talk_to_lead")(_listener(talk_to_lead))
    app.action("support_accept")(_listener(accept))
    app.action("support_reveal")(_listener(reveal))
    app.action("support_cancel")(_listener(cancel))
    app.action(re.compile(r"^support_close_(yes|no)$"))(_listener(close))


def _listener(work: Work) -> Callable[..., None]:
    def listener(
        ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: Any, context: Any
    ) -> None:
        ack()
        deps = deps_of(context)
        request = SlackRequest.load(
            deps, str(body["team"]["id"]), str(body["user"]["id"]), trigger_id=body.get("trigger_id"), _respond=respond
        )
        request.acked = True
        answering(request, lambda: work(request, request.member_or_refuse(), str(action.get("value") or ""), client))

    listener.__name__ = work.__name__
    return listener


def _number(value: str) -> int:
    head = value.partition(":")[0]
    if not head.isdigit():
        raise UserError("support.errors.no_longer_open")
    return int(head)


def _replace(request: SlackRequest, key: str, **params: object) -> None:
    assert request._respond is not None
    request._respond(replace_original=True, **request.render("notice", text=request.t(key, **params)).as_payload())


def open_checkin(request: SlackRequest, _member: Member, value: str, client: Any) -> None:
    view = checkin_modal(request.deps.renderer, request.deps.library, request.locale, value if value.isdigit() else "")
    client.views_open(trigger_id=request.trigger_id, view=view)


def quick_checkin(request: SlackRequest, member: Member, value: str, _client: Any) -> None:
    prompt, _, level = value.partition(":")
    deps, now = request.deps, request.deps.now()
    with deps.sessions.begin() as session:
        if not prompt.isdigit() or not checkins.claim_prompt(session, int(prompt), member.id, now):
            raise UserError("checkin.prompt.already")
        answer = checkins.quick_answer(level)
        if answer is None:
            raise UserError("checkin.errors.stress")
        saved = checkins.record_checkin(session, member, answer, checkins.today_for(session, member, now), now)
        reason = checkins.help_reason(session, member.id)
        has_lead = support.lead_for(session, member) is not None
        message = checkin_saved(deps.renderer, deps.library, request.locale, saved, reason, has_lead)
    assert request._respond is not None
    request._respond(replace_original=True, **message.as_payload())


def delete_checkins(request: SlackRequest, member: Member, _value: str, _client: Any) -> None:
    with request.deps.sessions.begin() as session:
        count = checkins.delete_own_checkins(session, member.id)
        now = request.deps.now()
        record(session, workspace_id=member.workspace_id, actor=member.slack_id, action="checkin.deleted", now=now)
    _replace(request, "checkin.delete.done", count=count)


def ask_peer(request: SlackRequest, member: Member, value: str, _client: Any) -> None:
    situations = request.deps.library.coping.situations
    topic = ", ".join(situations[tag].get(request.locale) for tag in value.split(",") if tag in situations)
    request_support(request, member, topic)


def talk_to_lead(request: SlackRequest, member: Member, _value: str, _client: Any) -> None:
    deps, now = request.deps, request.deps.now()
    with deps.sessions.begin() as session:
        lead = support.lead_for(session, member)
        workspace = session.get(Workspace, member.workspace_id)
        if lead is None or workspace is None:
            raise UserError("checkin.no_lead")
        message = deps.renderer.message("checkin_lead_request", member_locale(lead, workspace), name=member.name)
        key = f"talk-to-lead:{member.id}:{checkins.today_for(session, member, now)}"
        post_message(
            session, workspace_id=member.workspace_id, dedupe_key=key, channel=lead.slack_id, message=message, now=now
        )
        lead_name = lead.name
    request.reply(request.render("notice", text=request.t("checkin.lead_notified", lead=lead_name)))


def accept(request: SlackRequest, member: Member, value: str, _client: Any) -> None:
    deps, now = request.deps, request.deps.now()
    with deps.sessions.begin() as session:
        result, accepted = support.accept(session, _number(value), member, now)
        if result is support.AcceptResult.WON:
            requester = session.get(Member, accepted.requester_id)
            workspace = session.get(Workspace, member.workspace_id)
            assert requester is not None and workspace is not None
            message = deps.renderer.message(
                "support_matched",
                member_locale(requester, workspace),
                request_id=accepted.id,
                supporter_name=member.name,
            )
            key = f"support-matched:{accepted.id}"
            post_message(
                session,
                workspace_id=member.workspace_id,
                dedupe_key=key,
                channel=requester.slack_id,
                message=message,
                now=now,
            )
    if result is support.AcceptResult.WON:
        _replace(request, "support.offer.accepted")
    else:
        key = "support.offer.taken" if result is support.AcceptResult.TAKEN else "support.offer.closed"
        request.reply(request.render("notice", text=request.t(key)))


def reveal(request: SlackRequest, member: Member, value: str, client: Any) -> None:
    deps, request_id = request.deps, _number(value)
    with deps.sessions() as session:
        supporter = support.supporter_awaiting_reveal(session, request_id, member)
        supporter_slack, supporter_name = supporter.slack_id, supporter.name
    channel = client.conversations_open(users=f"{member.slack_id},{supporter_slack}")["channel"]["id"]
    now = deps.now()
    with deps.sessions.begin() as session:
        revealed = support.reveal(session, request_id, member, str(channel), now)
        chat = request.render(
            "support_chat", requester_name=member.name, supporter_name=supporter_name, topic=revealed.topic
        )
        key = f"support-chat:{request_id}"
        post_message(
            session, workspace_id=member.workspace_id, dedupe_key=key, channel=str(channel), message=chat, now=now
        )
    closing = request.render(
        "support_close", request_id=request_id, intro=request.t("support.started", name=supporter_name)
    )
    assert request._respond is not None
    request._respond(replace_original=True, **closing.as_payload())


def cancel(request: SlackRequest, member: Member, value: str, _client: Any) -> None:
    with request.deps.sessions.begin() as session:
        cancel_request(request, session, _number(value), member)
    _replace(request, "support.cancelled")


def close(request: SlackRequest, member: Member, value: str, _client: Any) -> None:
    helped = value.endswith(":yes")
    with request.deps.sessions.begin() as session:
        support.close(session, _number(value), member, helped, request.deps.now())
    _replace(request, "support.close.thanks_yes" if helped else "support.close.thanks_no")
