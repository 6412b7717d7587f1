"""`/coach support [topic | cancel | optin | optout | config ...]`: ask a peer, or volunteer as one."""

from __future__ import annotations

from bot.core.command_line import Invocation
from bot.core.db.models import Member
from bot.core.errors import UserError
from bot.core.slack_text import parse_count
from bot.wellbeing import support, use_cases
from bot.wellbeing.checkins import save_preferences
from handlers.request import SlackRequest


def run(incoming: SlackRequest, invocation: Invocation) -> None:
    member = incoming.member_or_refuse()
    word = invocation.args[0].lower() if invocation.args else ""
    if word in ("optin", "optout"):
        with incoming.deps.sessions.begin() as session:
            save_preferences(session, member, incoming.deps.now(), peer_supporter=word == "optin")
        incoming.notice(f"support.{word}")
    elif word == "cancel" and len(invocation.args) == 1:
        with incoming.deps.sessions.begin() as session:
            use_cases.cancel_open_support(session, incoming.notifier, member)
        incoming.notice("support.cancelled")
    elif word == "config":
        configure(incoming, member, invocation.args[1:])
    else:
        with incoming.once() as session:
            created = use_cases.ask_for_support(session, incoming.notifier, member, " ".join(invocation.args))
            reply = incoming.render(
                "support_requested",
                request_id=created.request.id,
                supporters=len(created.supporters),
                minutes=created.settings.timeout_minutes,
                fallback_channel=bool(created.settings.channel),
            )
        incoming.reply(reply)


def configure(incoming: SlackRequest, member: Member, args: tuple[str, ...]) -> None:
    """HR and admins (bot.core.command_line): `config timeout MINUTES` and/or `config channel C…`."""
    pairs = dict(zip(args[::2], args[1::2], strict=False))
    if not args or len(args) % 2 or set(pairs) - {"timeout", "channel"}:
        raise UserError("support.usage")
    timeout = pairs.get("timeout")
    minutes = None if timeout is None else parse_count(timeout, maximum=support.LONGEST_TIMEOUT_MINUTES)
    if timeout is not None and minutes is None:
        raise UserError("support.errors.timeout", longest=support.LONGEST_TIMEOUT_MINUTES)
    with incoming.deps.sessions.begin() as session:
        settings = support.configure(
            session,
            member,
            incoming.deps.now(),
            timeout_minutes=minutes,
            channel=pairs.get("channel"),
        )
    channel = settings.channel or incoming.t("support.no_channel")
    incoming.notice("support.config_saved", minutes=settings.timeout_minutes, channel=channel)
