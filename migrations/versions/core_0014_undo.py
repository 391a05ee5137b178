"""undo: a deleted post or a left sub-group can be put back for a few minutes

Revision ID: core_0014_undo
Revises: core_0013_people
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0014_undo"
down_revision = "core_0013_people"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "undo_offer",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token"),
    )
    with op.batch_alter_table("undo_offer") as batch:
        batch.create_index("ix_undo_offer_user_id", ["user_id"])
        batch.create_index("ix_undo_offer_created_at", ["created_at"])


def downgrade():
    op.drop_table("undo_offer")
