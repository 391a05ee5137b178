"""subgroups: when each member last opened the group's page

Revision ID: subgroups_0003
Revises: subgroups_0002
Create Date: 2026-11-28 13:25:00

"""

import sqlalchemy as sa
from alembic import op

revision = "subgroups_0003"
down_revision = "subgroups_0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("subgroups_membership") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("subgroups_membership") as batch:
        batch.drop_column("last_seen_at")
