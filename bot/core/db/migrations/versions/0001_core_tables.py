"""Core tables: workspaces, teams, members, processed events, outbox, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("hr_channel", sa.String(32)),
        sa.Column("lesson_time", sa.String(5), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("lead_id", sa.Integer),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False, index=True),
        sa.Column("slack_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), index=True),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("department", sa.String(100)),
        sa.Column("email", sa.String(200)),
        sa.Column("timezone", sa.String(64)),
        sa.Column("locale", sa.String(8)),
        sa.Column("lesson_time", sa.String(5)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("workspace_id", "slack_id"),
    )
    # teams.lead_id and members.team_id point at each other, so one of them is added afterwards.
    with op.batch_alter_table("teams") as batch:
        batch.create_foreign_key("fk_teams_lead", "members", ["lead_id"], ["id"])
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("workspace_id", sa.String(32), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False, index=True),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_until", UTC_TIME),
        sa.Column("last_error", sa.Text),
        sa.Column("slack_channel", sa.String(32)),
        sa.Column("slack_ts", sa.String(32)),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME),
        sa.UniqueConstraint("workspace_id", "dedupe_key"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False, index=True),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("processed_events")
    with op.batch_alter_table("teams") as batch:
        batch.drop_constraint("fk_teams_lead", type_="foreignkey")
    op.drop_table("members")
    op.drop_table("teams")
    op.drop_table("workspaces")
