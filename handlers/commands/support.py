"""`/coach support [topic | cancel | optin | optout | config ...]`: ask a peer, or volunteer as one."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.core.command_line import Invocation
from bot.core.db.models import Member, Role, Workspace
from bot.core.errors import UserError
from bot.core.i18n import member_locale
from bot.core.outbox import post_message
from bot.wellbeing import support
from bot.wellbeing.checkins import save_preferences
from handlers.request import SlackRequest


def run(request: SlackRequest, invocation: Invocation, _client: Any) -> None:
    member = request.member_or_refuse()
    word = invocation.args[0].lower() if invocation.args else ""
    if word in ("optin", "optout"):
        with request.deps.sessions.begin() as session:
            save_preferences(session, member, request.deps.now(), peer_supporter=word == "optin")
        request.ack(request.render("notice", text=request.t(f"support.{word}")))
    elif word == "cancel" and len(invocation.args) == 1:
        with request.deps.sessions.begin() as session:
            active = support.active_request(session, member)
            if active is None:
                raise UserError("support.errors.none_open")
            cancel_request(request, session, active.id, member)
        request.ack(request.render("notice", text=request.t("support.cancelled")))
    elif word == "config":
        configure(request, member, invocation.args[1:])
    else:
        request_support(request, member, " ".join(invocation.args))


def request_support(request: SlackRequest, member: Member, topic: str) -> None:
    """Create the request and offer it, without the requester's name, to every opted-in peer."""
    deps = request.deps
    now = deps.now()
    with deps.sessions.begin() as session:
        created = support.create_request(session, member, topic, now)
        workspace = session.get(Workspace, member.workspace_id)
        assert workspace is not None
        for peer in created.supporters:
            offer = deps.renderer.message(
                "support_offer",
                member_locale(peer, workspace),
                request_id=created.request.id,
                topic=created.request.topic,
                minutes=created.settings.timeout_minutes,
            )
            key = f"support-offer:{created.request.id}:{peer.id}"
            post_message(
                session, workspace_id=member.workspace_id, dedupe_key=key, channel=peer.slack_id, message=offer, now=now
            )
        reply = request.render(
            "support_requested",
            request_id=created.request.id,
            supporters=len(created.supporters),
            minutes=created.settings.timeout_minutes,
            fallback_channel=bool(created.settings.channel),
        )
    request.reply(reply)


def cancel_request(request: SlackRequest, session: Session, request_id: int, member: Member) -> None:
    """Cancel in the caller's transaction; a supporter who had accepted is told, nobody else."""
    cancelled = support.cancel(session, request_id, member, request.deps.now())
    if cancelled.supporter_id is not None:
        peer = session.get(Member, cancelled.supporter_id)
        workspace = session.get(Workspace, member.workspace_id)
        if peer is not None and workspace is not None:
            locale = member_locale(peer, workspace)
            text = request.deps.renderer.t(locale, "support.cancelled_supporter")
            notice = request.deps.renderer.message("notice", locale, text=text)
            key = f"support-cancelled:{request_id}"
            post_message(
                session,
                workspace_id=member.workspace_id,
                dedupe_key=key,
                channel=peer.slack_id,
                message=notice,
                now=request.deps.now(),
            )


def configure(request: SlackRequest, member: Member, args: tuple[str, ...]) -> None:
    """HR and admins: `config timeout MINUTES` and/or `config channel C…`."""
    request.require(Role.HR)
    pairs = dict(zip(args[::2], args[1::2], strict=False))
    if not args or len(args) % 2 or set(pairs) - {"timeout", "channel"}:
        raise UserError("support.usage")
    timeout = pairs.get("timeout")
    if timeout is not None and not timeout.isdigit():
        raise UserError("support.errors.timeout", longest=support.LONGEST_TIMEOUT_MINUTES)
    with request.deps.sessions.begin() as session:
        settings = support.configure(
            session,
            member,
            request.deps.now(),
            timeout_minutes=int(timeout) if timeout else None,
            channel=pairs.get("channel"),
        )
    channel = settings.channel or request.t("support.no_channel")
    request.ack(
        request.render(
            "notice", text=request.t("support.config_saved", minutes=settings.timeout_minutes, channel=channel)
        )
    )
