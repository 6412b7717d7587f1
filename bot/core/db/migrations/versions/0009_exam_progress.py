"""The theory exam saved page by page: each attempt has its own deadline (``closes_at``,
the exam's duration from the first page, never past the window) and a ``revision`` that
every saved page and every grade bumps, so a retried submission is recognised, not saved twice.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exam_attempts") as batch:
        batch.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exam_attempts") as batch:
        batch.drop_column("closes_at")
        batch.drop_column("revision")
