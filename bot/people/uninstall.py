"""When Slack says the app is gone (``app_uninstalled``) or its bot token revoked
(``tokens_revoked``): drop the stored tokens and everything still waiting to be sent.

Nothing else is deleted: the roster, certificates and check-ins stay until an admin
runs ``coachbot privacy forget`` (or reinstalls and carries on). Messages queued later
fail at once with Slack's ``invalid_auth``/``token_revoked``, which the sender treats as
permanent, so nothing is retried against a workspace that removed the app.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.core.db.models import Base
from bot.core.db.ops import BOTS_TABLE, INSTALLATIONS_TABLE
from bot.core.outbox import cancel_unsent


def forget_install(session: Session, workspace_id: str, now: datetime, *, reason: str) -> int:
    """Remove the workspace's stored tokens (OAuth installs) and cancel its unsent
    messages; returns how many messages were cancelled."""
    for name in (BOTS_TABLE, INSTALLATIONS_TABLE):
        table = Base.metadata.tables[name]
        session.execute(delete(table).where(table.c.team_id == workspace_id))
    count = cancel_unsent(session, workspace_id, reason)
    record(session, workspace_id=workspace_id, actor="slack", action=f"workspace.{reason}", now=now,
           detail={"cancelled_messages": count})  # fmt: skip
    return count
