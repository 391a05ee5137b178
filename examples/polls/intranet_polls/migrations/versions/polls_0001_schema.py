"""polls plugin: polls and votes

Revision ID: polls_0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "polls_0001"
down_revision = None
branch_labels = ("polls",)
depends_on = "core_0001"


def upgrade():
    op.create_table(
        "polls_poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_polls_poll_author_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls_poll")),
    )
    op.create_table(
        "polls_vote",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls_poll.id"],
            name=op.f("fk_polls_vote_poll_id_polls_poll"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_polls_vote_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("poll_id", "user_id", name=op.f("pk_polls_vote")),
    )


def downgrade():
    op.drop_table("polls_vote")
    op.drop_table("polls_poll")
