"""revoked sessions: signing out ends one session, not every session of the user

Revision ID: core_0009_revoked_sessions
Revises: core_0008_delegation_requests
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0009_revoked_sessions"
down_revision = "core_0008_delegation_requests"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "revoked_session",
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_digest"),
    )
    with op.batch_alter_table("revoked_session") as batch:
        batch.create_index("ix_revoked_session_user_id", ["user_id"])
        batch.create_index("ix_revoked_session_expires_at", ["expires_at"])


def downgrade():
    op.drop_table("revoked_session")
