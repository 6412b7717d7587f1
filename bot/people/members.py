"""Members of a workspace and the one role check every privileged action uses."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db.models import Member, Role
from bot.core.errors import UserError


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
