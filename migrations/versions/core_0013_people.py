"""people: the first sign-in setup is offered once, and a member may show a profile photo

Revision ID: core_0013_people
Revises: core_0012_submissions
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0013_people"
down_revision = "core_0012_submissions"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (SQLite supports it): a batch rebuild would drop unnamed foreign keys.
    op.add_column(
        "user_account",
        sa.Column("welcome_pending", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("user_account", sa.Column("photo_key", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("photo_key")
        batch.drop_column("welcome_pending")
