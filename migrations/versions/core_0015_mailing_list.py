"""mailing list: a member may have every post mailed in full; replies fetched by IMAP polling
are claimed by Message-ID so that several hosts polling one mailbox handle each mail once

Revision ID: core_0015_mailing_list
Revises: core_0014_undo
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0015_mailing_list"
down_revision = "core_0014_undo"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: a batch copy of user_account on SQLite would drop its unnamed keys.
    op.add_column(
        "user_account",
        sa.Column("mail_every_post", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "mail_inbound_claim",
        sa.Column("message_key", sa.String(length=255), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_key"),
    )


def downgrade():
    op.drop_table("mail_inbound_claim")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("mail_every_post")
