"""`/coach cert assess @agent`: the assessment modal, prefilled from the exam and scoring poll."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.certification.certificates import require_assessor
from bot.certification.score_sources import latest_scores
from bot.core.command_line import parse_mention
from bot.core.errors import UserError
from bot.people.members import find_member
from handlers.request import SlackRequest


def open_modal(request: SlackRequest, args: Sequence[str]) -> None:
    assessor = request.member_or_refuse()
    slack_id = parse_mention(args[0]) if len(args) == 1 else None
    if slack_id is None:
        raise UserError("cert.errors.mention_needed")
    with request.deps.sessions() as session:
        holder = find_member(session, request.workspace_id, slack_id)
        if holder is None or not holder.active:
            raise UserError("cert.errors.unknown_person")
        require_assessor(session, assessor, holder)
        sources = latest_scores(session, holder.id)
    hints = []
    if sources.theory is not None and sources.theory_date:
        hints.append(request.t("cert.assess.from_exam", date=sources.theory_date.isoformat(), score=sources.theory))
    if sources.practical is not None:
        hints.append(request.t("cert.assess.from_poll", score=sources.practical))
    initial = {"theory": _plain(sources.theory), "practical": _plain(sources.practical), "daily": None}
    request.ack()
    request.audit("cert.assessment_opened", subject=holder.slack_id)  # their exam and poll scores
    view = request.deps.renderer.view(
        "cert_assess_modal", request.locale, member_id=holder.id, name=holder.name, initial=initial, hints=hints
    )
    request.client.views_open(trigger_id=request.trigger_id, view=view)


def _plain(score: Decimal | None) -> str | None:
    return None if score is None else f"{score.normalize():f}"
