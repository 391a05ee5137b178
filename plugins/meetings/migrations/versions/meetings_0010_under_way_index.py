"""meetings plugin: the index on last_end_at also holds start_at (the meetings under way)

Revision ID: meetings_0010
Revises: meetings_0009
Create Date: 2026-12-06

The lists of upcoming meetings take the meetings under way (begun, not over) from a range of
this index without reading the table, and those still to begin from the index on start_at.
The index on last_end_at alone served the other questions it answers no better than this one.
"""

from alembic import op

revision = "meetings_0010"
down_revision = "meetings_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_meetings_meeting_last_end_at_start_at",
        "meetings_meeting",
        ["last_end_at", "start_at"],
        unique=False,
    )
    op.drop_index("ix_meetings_meeting_last_end_at", table_name="meetings_meeting")


def downgrade() -> None:
    op.create_index(
        "ix_meetings_meeting_last_end_at", "meetings_meeting", ["last_end_at"], unique=False
    )
    op.drop_index("ix_meetings_meeting_last_end_at_start_at", table_name="meetings_meeting")
