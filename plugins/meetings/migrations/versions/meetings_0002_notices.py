"""meetings plugin: remember sent reminders and overdue notices, so each goes out once

Revision ID: meetings_0002
Revises: meetings_0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "meetings_0002"
down_revision = "meetings_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings_participant") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("meetings_action_item") as batch:
        batch.add_column(
            sa.Column("overdue_notified_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("meetings_action_item") as batch:
        batch.drop_column("overdue_notified_at")
    with op.batch_alter_table("meetings_participant") as batch:
        batch.drop_column("reminded_at")
