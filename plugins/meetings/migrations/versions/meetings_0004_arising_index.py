"""meetings plugin: an index for matters arising, the open action items by due date

Revision ID: meetings_0004
Revises: meetings_0003
Create Date: 2026-12-01

A meeting's page lists the open action items of earlier meetings of its body, the soonest due
first, a fixed number of them; this index lets the database stop after those instead of
sorting every open action item.
"""

from alembic import op

revision = "meetings_0004"
down_revision = "meetings_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_meetings_action_item_status_due_on",
        "meetings_action_item",
        ["status", "due_on", "id", "meeting_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_meetings_action_item_status_due_on", table_name="meetings_action_item")
