"""governance plugin: the one-off notices the daily job has sent

Revision ID: governance_0002
Revises: governance_0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

import intranet.models

revision = "governance_0002"
down_revision = "governance_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "governance_notice",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("sent_at", intranet.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_governance_notice")),
    )


def downgrade():
    op.drop_table("governance_notice")
