"""HR's register as HR keeps it: members' staff ids (工号) to match certificates by, and
the holder's name as the register writes it (masked, e.g. 张*A001) for a faithful export.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("staff_id", sa.String(length=32), nullable=True))
        batch.create_index("ix_members_workspace_staff", ["workspace_id", "staff_id"])
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("register_name", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("register_name")
    with op.batch_alter_table("members") as batch:
        batch.drop_index("ix_members_workspace_staff")
        batch.drop_column("staff_id")
