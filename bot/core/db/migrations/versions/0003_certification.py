"""Certification register, assessments, reminders, exams.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)
SCORE = sa.Numeric(5, 2)


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="SET NULL")),
        sa.Column("holder_name", sa.String(100), nullable=False),
        sa.Column("department", sa.String(100)),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("theory", SCORE),
        sa.Column("practical", SCORE),
        sa.Column("daily", SCORE),
        sa.Column("composite", SCORE),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reevaluation_result", sa.String(200)),
        sa.Column("reevaluation_booked_on", sa.Date),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("workspace_id", "number"),
    )
    # The daily expiry scan filters on status and valid_until; team views look up by member.
    op.create_index("ix_certificates_expiry", "certificates", ["status", "valid_until"])
    op.create_index("ix_certificates_member", "certificates", ["member_id", "status"])
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), index=True),
        sa.Column("assessor", sa.String(32), nullable=False),
        sa.Column("theory", SCORE, nullable=False),
        sa.Column("practical", SCORE, nullable=False),
        sa.Column("daily", SCORE, nullable=False),
        sa.Column("composite", SCORE, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("retake_after", sa.Date),
        sa.Column("certificate_id", sa.Integer, sa.ForeignKey("certificates.id", ondelete="SET NULL")),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_table(
        "certificate_reminders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("certificate_id", sa.Integer, sa.ForeignKey("certificates.id", ondelete="CASCADE"), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("certificate_id", "stage"),
    )
    op.create_table(
        "exam_windows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("opened_by", sa.String(32), nullable=False),
        sa.Column("blueprint_id", sa.String(64), nullable=False),
        sa.Column("closes_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_table(
        "exam_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.String(32), sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("window_id", sa.Integer, sa.ForeignKey("exam_windows.id", ondelete="CASCADE"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("question_ids", sa.JSON, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("choice_points", sa.Integer),
        sa.Column("short_answers", sa.JSON, nullable=False),
        sa.Column("short_points", sa.JSON),
        sa.Column("theory_score", SCORE),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("grader_note", sa.Text),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("submitted_at", UTC_TIME),
        sa.UniqueConstraint("window_id"),
    )


def downgrade() -> None:
    op.drop_table("exam_attempts")
    op.drop_table("exam_windows")
    op.drop_table("certificate_reminders")
    op.drop_table("assessments")
    op.drop_index("ix_certificates_member", table_name="certificates")
    op.drop_index("ix_certificates_expiry", table_name="certificates")
    op.drop_table("certificates")
