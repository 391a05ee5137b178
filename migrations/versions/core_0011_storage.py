"""storage: a privacy export is claimed by one host for a limited time

Revision ID: core_0011_storage
Revises: core_0010_mail_outbox
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0011_storage"
down_revision = "core_0010_mail_outbox"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("privacy_export") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("privacy_export") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
