"""submissions: a form submission arriving twice (a retry, a double click) does its work once

Revision ID: core_0012_submissions
Revises: core_0011_storage
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0012_submissions"
down_revision = "core_0011_storage"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "submission",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token"),
    )
    with op.batch_alter_table("submission") as batch:
        batch.create_index("ix_submission_user_id", ["user_id"])
        batch.create_index("ix_submission_created_at", ["created_at"])


def downgrade():
    op.drop_table("submission")
