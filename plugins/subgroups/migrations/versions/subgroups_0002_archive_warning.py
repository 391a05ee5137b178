"""subgroups: remember the end date each group was warned about

Revision ID: subgroups_0002
Revises: subgroups_0001
Create Date: 2026-11-28 13:20:00

The daily warning job writes the end date it warned about, so it warns each group once per
end date (again only after the end date was extended).

"""

import sqlalchemy as sa
from alembic import op

revision = "subgroups_0002"
down_revision = "subgroups_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("subgroups_group") as batch:
        batch.add_column(sa.Column("warned_end_date", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("subgroups_group") as batch:
        batch.drop_column("warned_end_date")
