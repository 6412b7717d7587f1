"""Wellbeing use cases: check-ins and peer support, with every notification they cause.

Handlers and jobs call these inside their transaction; each queues its messages through
the :class:`~bot.core.notify.Notifier` with a dedupe key, so a repeated click, a retried
job or a second instance never tells anyone twice. Nothing here reaches another person
unless the person it is about asked for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.core.db.models import Member, Workspace
from bot.core.errors import UserError
from bot.core.i18n import resolve_locale
from bot.core.notify import Notifier
from bot.core.render import Message
from bot.core.slack_text import parse_id
from bot.wellbeing import checkins, support
from bot.wellbeing.messages import checkin_prompt, checkin_saved
from bot.wellbeing.models import CheckIn


@dataclass(frozen=True)
class SavedCheckIn:
    checkin: CheckIn
    message: Message  # the answer with coping help, in the person's language


def save_checkin(
    session: Session, notifier: Notifier, member: Member, answer: checkins.Answer, prompt_id: int | None
) -> SavedCheckIn:
    """Record a check-in (claiming its prompt, if it answers one) and build the answer."""
    now = notifier.now
    if prompt_id is not None:
        checkins.claim_prompt(session, prompt_id, member.id, now)
    saved = checkins.record_checkin(session, member, answer, checkins.today_for(session, member, now), now)
    reason = checkins.help_reason(session, member.id)
    has_lead = support.lead_for(session, member) is not None
    message = checkin_saved(
        notifier.renderer, notifier.library, notifier.locale_of(session, member), saved, reason, has_lead
    )
    return SavedCheckIn(saved, message)


def quick_checkin(session: Session, notifier: Notifier, member: Member, prompt: str, level: str) -> SavedCheckIn:
    """A one-click answer to a prompt: refused if the prompt was already answered."""
    prompt_id = parse_id(prompt)
    if prompt_id is None or not checkins.claim_prompt(session, prompt_id, member.id, notifier.now):
        raise UserError("checkin.prompt.already")
    answer = checkins.quick_answer(level)
    if answer is None:
        raise UserError("checkin.errors.stress")
    return save_checkin(session, notifier, member, answer, None)


def submit_checkin(
    session: Session, notifier: Notifier, member: Member, answer: checkins.Answer, prompt_id: int | None
) -> CheckIn:
    """A check-in from the modal: the answer goes to the person's DM (the modal closes)."""
    saved = save_checkin(session, notifier, member, answer, prompt_id)
    notifier.deliver(session, member, saved.message, f"checkin-saved:{saved.checkin.id}")
    return saved.checkin


def ask_lead_to_talk(session: Session, notifier: Notifier, member: Member) -> Member:
    """Tell the agent's lead they would like a word (once a day); the lead is returned."""
    lead = support.lead_for(session, member)
    if lead is None:
        raise UserError("checkin.no_lead")
    today = checkins.today_for(session, member, notifier.now)
    notifier.notify(session, lead, "checkin_lead_request", f"talk-to-lead:{member.id}:{today}", name=member.name)
    return lead


def ask_for_support(session: Session, notifier: Notifier, member: Member, topic: str) -> support.NewRequest:
    """Open a request and offer it, without the requester's name, to every opted-in peer."""
    created = support.create_request(session, member, topic, notifier.now)
    for peer in created.supporters:
        notifier.notify(
            session,
            peer,
            "support_offer",
            f"support-offer:{created.request.id}:{peer.id}",
            request_id=created.request.id,
            topic=created.request.topic,
            minutes=created.settings.timeout_minutes,
        )
    return created


def cancel_support(session: Session, notifier: Notifier, request_id: int, member: Member) -> None:
    """Cancel one's own request; a supporter who had accepted is told, nobody else."""
    cancelled = support.cancel(session, request_id, member, notifier.now)
    if cancelled.supporter_id is not None:
        peer = session.get(Member, cancelled.supporter_id)
        if peer is not None:
            notifier.notice(session, peer, f"support-cancelled:{request_id}", "support.cancelled_supporter")


def cancel_open_support(session: Session, notifier: Notifier, member: Member) -> None:
    """`/coach support cancel`: the person's open request, whichever it is."""
    active = support.active_request(session, member)
    if active is None:
        raise UserError("support.errors.none_open")
    cancel_support(session, notifier, active.id, member)


def accept_support(session: Session, notifier: Notifier, request_id: int, supporter: Member) -> support.AcceptResult:
    """The first peer to accept wins; the requester then hears who (and may reveal themselves)."""
    result, accepted = support.accept(session, request_id, supporter, notifier.now)
    if result is support.AcceptResult.WON:
        requester = session.get(Member, accepted.requester_id)
        assert requester is not None
        notifier.notify(
            session,
            requester,
            "support_matched",
            f"support-matched:{accepted.id}",
            request_id=accepted.id,
            supporter_name=supporter.name,
        )
    return result


def start_support_chat(
    session: Session, notifier: Notifier, request_id: int, requester: Member, supporter_name: str, channel: str
) -> None:
    """The requester chose to reveal themselves: introduce both in their group DM."""
    revealed = support.reveal(session, request_id, requester, channel, notifier.now)
    chat = notifier.renderer.message(
        "support_chat",
        notifier.locale_of(session, requester),
        requester_name=requester.name,
        supporter_name=supporter_name,
        topic=revealed.topic,
    )
    notifier.send(session, requester.workspace_id, channel, chat, f"support-chat:{request_id}")


def send_checkin_prompt(session: Session, notifier: Notifier, member_id: int, local_date: date) -> bool:
    """The end-of-day prompt, once per member and day (the prompt row is unique)."""
    member = session.get(Member, member_id)
    if member is None:
        return False
    prompt_id = checkins.create_prompt(session, member, local_date, notifier.now)
    if prompt_id is None:
        return False
    message = checkin_prompt(notifier.renderer, notifier.locale_of(session, member), prompt_id)
    return notifier.deliver(session, member, message, f"checkin-prompt:{prompt_id}")


def fall_back(session: Session, notifier: Notifier, request_id: int) -> bool:
    """A request nobody accepted in time goes to the support channel (with the name, as the
    requester was told when asking); the requester hears what happened either way."""
    request = support.fall_back(session, request_id, notifier.now)
    if request is None:
        return False
    requester = session.get(Member, request.requester_id)
    workspace = session.get(Workspace, request.workspace_id)
    assert requester is not None and workspace is not None
    settings = support.support_settings(session, workspace.id)
    if settings.channel:
        alert = notifier.renderer.message(
            "support_fallback",
            resolve_locale(workspace.locale),
            name=requester.name,
            topic=request.topic,
            minutes=settings.timeout_minutes,
        )
        notifier.send(session, workspace.id, settings.channel, alert, f"support-fallback:{request.id}")
    key = "support.fallback.requester_channel" if settings.channel else "support.fallback.requester_none"
    notifier.notice(session, requester, f"support-fallback-notice:{request.id}", key)
    return True
