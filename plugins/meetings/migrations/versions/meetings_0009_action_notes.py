"""meetings plugin: progress notes on action items (a reply by mail to an action item's
notification becomes one)

Revision ID: meetings_0009
Revises: meetings_0008_minutes
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "meetings_0009"
down_revision = "meetings_0008_minutes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings_action_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_item_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["meetings_action_item.id"],
            name=op.f("fk_meetings_action_note_action_item_id_meetings_action_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_meetings_action_note_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_action_note")),
    )
    with op.batch_alter_table("meetings_action_note") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_action_note_action_item_id"), ["action_item_id"]
        )
        batch_op.create_index(batch_op.f("ix_meetings_action_note_author_id"), ["author_id"])


def downgrade() -> None:
    op.drop_table("meetings_action_note")
