"""When HR was told of each claimed reminder stage: HR hears of reminders grouped by stage,
once, and a reminder claimed after the day's message for its stage waits for the next.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("certificate_reminders") as batch:
        batch.add_column(sa.Column("hr_told_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificate_reminders") as batch:
        batch.drop_column("hr_told_at")
