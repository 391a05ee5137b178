"""partners: remember that the sponsor was told an invitation expired unaccepted

Revision ID: partners_0002
Revises: partners_0001
Create Date: 2026-11-28 13:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "partners_0002"
down_revision = "partners_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("partners_invitation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expiry_notified_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("partners_invitation", schema=None) as batch_op:
        batch_op.drop_column("expiry_notified_at")
