"""Forgetting a person: every feature erases or anonymises what it holds about them.

Each feature contributes an *eraser*: a function given the person and returning
``{"table or kind": rows removed or anonymised}``. :data:`ERASERS` runs them in order,
feature tables first, the member row last (other rows point at it). A feature that
stores personal data adds its eraser to the list; anonymous aggregates are kept.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.certification.certificates import forget_certification_data
from bot.core.audit import record
from bot.core.db.models import AuditEntry, Member, OutboxMessage, Team
from bot.core.errors import UserError
from bot.learning.models import LessonDelivery, Pause, QuizItem, ReviewCard
from bot.polls.quick_polls import forget_poll_data
from bot.wellbeing.models import CheckIn, CheckInPreference, CheckInPrompt, SupportOffer, SupportRequest

FORGOTTEN = "forgotten"


@dataclass(frozen=True)
class Person:
    workspace_id: str
    slack_id: str
    member_id: int | None  # None when only traces remain (outbox rows, audit entries)
    now: datetime
    name: str | None = None  # as the roster had it, to redact from messages sent to others


Eraser = Callable[[Session, Person], dict[str, int]]


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def erase_learning(session: Session, person: Person) -> dict[str, int]:
    if person.member_id is None:
        return {}
    mine = person.member_id
    return {
        "quiz_items": _count(session.execute(delete(QuizItem).where(QuizItem.member_id == mine))),
        "review_cards": _count(session.execute(delete(ReviewCard).where(ReviewCard.member_id == mine))),
        "lesson_deliveries": _count(session.execute(delete(LessonDelivery).where(LessonDelivery.member_id == mine))),
        "pauses": _count(session.execute(delete(Pause).where(Pause.member_id == mine))),
    }


def erase_wellbeing(session: Session, person: Person) -> dict[str, int]:
    """Check-ins lose everything personal (member, note, tags) but keep stress, team and
    date, under a random token, so past team averages and respondent counts do not change."""
    if person.member_id is None:
        return {}
    mine = person.member_id
    anonymised = session.execute(
        update(CheckIn)
        .where(CheckIn.member_id == mine)
        .values(member_id=None, respondent=secrets.token_hex(8), note=None, tags=[])
        .execution_options(synchronize_session=False)
    )
    own_requests = select(SupportRequest.id).where(SupportRequest.requester_id == mine)
    offers = session.execute(
        delete(SupportOffer).where((SupportOffer.supporter_id == mine) | SupportOffer.request_id.in_(own_requests))
    )
    requests = session.execute(delete(SupportRequest).where(SupportRequest.requester_id == mine))
    supported = session.execute(
        update(SupportRequest)
        .where(SupportRequest.supporter_id == mine)
        .values(supporter_id=None)
        .execution_options(synchronize_session=False)
    )
    return {
        "checkins (anonymised)": _count(anonymised),
        "checkin_prompts": _count(session.execute(delete(CheckInPrompt).where(CheckInPrompt.member_id == mine))),
        "checkin_preferences": _count(
            session.execute(delete(CheckInPreference).where(CheckInPreference.member_id == mine))
        ),
        "support_requests": _count(requests),
        "support_offers": _count(offers),
        "support_requests (supporter removed)": _count(supported),
    }


REDACTED = "—"


def erase_outbox(session: Session, person: Person) -> dict[str, int]:
    """Messages addressed to the person, sent or not, are deleted (their texts are about
    them); in messages to others (a poll, a score result, a notice to a lead) their name and
    id are blanked out, so no payload anyone kept names them."""
    addressed = OutboxMessage.payload["channel"].as_string() == person.slack_id
    result = session.execute(delete(OutboxMessage).where(OutboxMessage.workspace_id == person.workspace_id, addressed))
    needles = [person.slack_id, *([person.name] if person.name and len(person.name) > 1 else [])]
    stored = cast(OutboxMessage.payload, String)  # JSON text, non-ASCII escaped or not by the driver
    mentioning = or_(*(stored.contains(form) for n in needles for form in {_json_fragment(n), _json_ascii(n)}))
    redacted = 0
    for row in session.scalars(
        select(OutboxMessage).where(OutboxMessage.workspace_id == person.workspace_id, mentioning)
    ):
        text = json.dumps(row.payload, ensure_ascii=False)
        for needle in needles:
            text = text.replace(_json_fragment(f"<@{needle}>"), REDACTED).replace(_json_fragment(needle), REDACTED)
        row.payload = json.loads(text)
        redacted += 1
    return {"outbox": _count(result), "outbox (name removed)": redacted}


def _json_ascii(text: str) -> str:
    return json.dumps(text)[1:-1]


def _json_fragment(text: str) -> str:
    """``text`` as it appears inside a JSON string (quotes and backslashes escaped)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def erase_audit(session: Session, person: Person) -> dict[str, int]:
    """The log keeps what happened, not who: the person becomes "forgotten"."""
    entries = session.scalars(select(AuditEntry).where(AuditEntry.workspace_id == person.workspace_id)).all()
    changed = 0
    for entry in entries:
        touched = False
        if entry.actor == person.slack_id:
            entry.actor, touched = FORGOTTEN, True
        if entry.subject and person.slack_id in entry.subject:
            entry.subject, touched = FORGOTTEN, True
        if person.slack_id in json.dumps(entry.detail or {}, ensure_ascii=False):
            entry.detail, touched = {"anonymised": True}, True
        changed += touched
    return {"audit_log (anonymised)": changed}


def erase_member(session: Session, person: Person) -> dict[str, int]:
    if person.member_id is None:
        return {}
    led = session.execute(
        update(Team)
        .where(Team.lead_id == person.member_id)
        .values(lead_id=None)
        .execution_options(synchronize_session=False)
    )
    removed = session.execute(delete(Member).where(Member.id == person.member_id))
    return {"teams (lead removed)": _count(led), "members": _count(removed)}


# Feature erasers first, the member row last. Certification and polls add theirs here.
def erase_certification(session: Session, person: Person) -> dict[str, int]:
    if person.member_id is None:
        return {}
    return forget_certification_data(session, person.workspace_id, person.member_id, person.slack_id, person.now)


def erase_polls(session: Session, person: Person) -> dict[str, int]:
    if person.member_id is None:
        return {}
    return forget_poll_data(session, person.workspace_id, person.member_id, person.slack_id, person.now)


ERASERS: list[Eraser] = [
    erase_learning,
    erase_wellbeing,
    erase_certification,
    erase_polls,
    erase_outbox,
    erase_audit,
    erase_member,
]


def forget_member(session: Session, workspace_id: str, slack_id: str, now: datetime) -> dict[str, int]:
    """Erase a person's personal data across every feature; returns what was removed."""
    found = session.execute(
        select(Member.id, Member.name).where(Member.workspace_id == workspace_id, Member.slack_id == slack_id)
    ).first()
    member_id, name = (found[0], found[1]) if found else (None, None)
    person = Person(workspace_id, slack_id, member_id, now, name)
    removed: dict[str, int] = {}
    for eraser in ERASERS:
        for kind, count in eraser(session, person).items():
            removed[kind] = removed.get(kind, 0) + count
    if member_id is None and not any(removed.values()):
        raise UserError("privacy.unknown_person", slack_id=slack_id)
    # The erasure itself is logged, without saying whom it was about.
    record(session, workspace_id=workspace_id, actor="privacy", action="privacy.forgotten", now=now, detail=removed)
    session.expire_all()
    return removed
