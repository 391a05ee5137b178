"""subgroups: a group's convenors may have every new post mailed in full to its members

Revision ID: subgroups_0004
Revises: subgroups_0003
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

revision = "subgroups_0004"
down_revision = "subgroups_0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "subgroups_group",
        sa.Column("mail_every_post", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    with op.batch_alter_table("subgroups_group") as batch:
        batch.drop_column("mail_every_post")
