"""erasure: requests to erase an account, and when an account was erased

Revision ID: core_0007_erasure
Revises: core_0006_privacy
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0007_erasure"
down_revision = "core_0006_privacy"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "erasure_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            ondelete="CASCADE",
            name=op.f("fk_erasure_request_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            ondelete="SET NULL",
            name=op.f("fk_erasure_request_decided_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_request")),
    )
    with op.batch_alter_table("erasure_request") as batch_op:
        batch_op.create_index("ix_erasure_request_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_erasure_request_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("erasure_request")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("erased_at")
