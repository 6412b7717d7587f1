"""Members of a workspace and the one role check every privileged action uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Member, OutboxStatus, Role
from bot.core.errors import UserError
from bot.core.outbox import cancel_unsent


def find_member(session: Session, workspace_id: str, slack_id: str) -> Member | None:
    return session.scalar(select(Member).where(Member.workspace_id == workspace_id, Member.slack_id == slack_id))


def require_member(session: Session, workspace_id: str, slack_id: str) -> Member:
    member = find_member(session, workspace_id, slack_id)
    if member is None or not member.active:
        raise UserError("errors.not_in_roster")
    return member


def require_role(member: Member, roles: Iterable[Role]) -> None:
    """Admins may do everything; everybody else needs one of ``roles``."""
    allowed = set(roles)
    if member.role == Role.ADMIN or member.role in allowed:
        return
    names = ", ".join(sorted(role.value for role in allowed))
    raise UserError("errors.role_required", roles=names)


def apply_slack_profile(session: Session, member: Member, profile: dict[str, Any], now: datetime) -> None:
    """What Slack says of a member (users.info, user_change): their timezone and language,
    and whether their account still exists. A deactivated account is taken off every list
    and its queued messages are cancelled: nothing more is sent to someone who left."""
    member.slack_tz = profile.get("tz") or member.slack_tz
    member.slack_locale = profile.get("locale") or member.slack_locale
    if profile.get("deleted") and member.active:
        member.active, member.updated_at = False, now
        cancel_unsent(
            session,
            member.workspace_id,
            "account_inactive",
            channel=member.slack_id,
            statuses=(OutboxStatus.PENDING,),  # one being sent cannot be called back
        )
        record(
            session,
            workspace_id=member.workspace_id,
            actor="slack",
            action="member.deactivated_in_slack",
            now=now,
            subject=member.slack_id,
        )
