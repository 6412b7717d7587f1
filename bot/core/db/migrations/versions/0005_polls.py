"""Scoring polls, judges' scores, practical scores; quick polls and their votes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "quick_polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("creator_slack", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("multi", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        _when("deadline", nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("closed_at", nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quick_polls", schema=None) as batch_op:
        batch_op.create_index("ix_quick_polls_due", ["status", "deadline"], unique=False)

    op.create_table(
        "quick_poll_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter_slack", sa.String(length=32), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        _when("voted_at"),
        sa.ForeignKeyConstraint(["poll_id"], ["quick_polls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id", "voter_slack"),
    )
    op.create_table(
        "scoring_polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=True),
        sa.Column("creator_slack", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_slack", sa.String(length=32), nullable=False),
        sa.Column("rubric_id", sa.String(length=64), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        _when("deadline"),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("share_with_agent", sa.Boolean(), nullable=False),
        sa.Column("min_scores", sa.Integer(), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("closed_at", nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["members.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["creator_id"], ["members.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scoring_polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoring_polls_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index("ix_scoring_polls_due", ["status", "deadline"], unique=False)

    op.create_table(
        "practical_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        _when("recorded_at"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["poll_id"], ["scoring_polls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id"),
    )
    with op.batch_alter_table("practical_scores", schema=None) as batch_op:
        batch_op.create_index("ix_practical_scores_member", ["member_id", "recorded_at"], unique=False)

    op.create_table(
        "scoring_judges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=True),
        sa.Column("judge_slack", sa.String(length=32), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        _when("scored_at", nullable=True),
        sa.Column("revisions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["judge_id"], ["members.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["poll_id"], ["scoring_polls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("poll_id", "judge_slack"),
    )
    with op.batch_alter_table("scoring_judges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoring_judges_judge_id"), ["judge_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scoring_judges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoring_judges_judge_id"))
    op.drop_table("scoring_judges")
    with op.batch_alter_table("practical_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_practical_scores_member")
    op.drop_table("practical_scores")
    with op.batch_alter_table("scoring_polls", schema=None) as batch_op:
        batch_op.drop_index("ix_scoring_polls_due")
        batch_op.drop_index(batch_op.f("ix_scoring_polls_agent_id"))
    op.drop_table("scoring_polls")
    op.drop_table("quick_poll_votes")
    with op.batch_alter_table("quick_polls", schema=None) as batch_op:
        batch_op.drop_index("ix_quick_polls_due")
    op.drop_table("quick_polls")
