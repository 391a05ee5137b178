"""meetings plugin: changes to single occurrences of a series, reminders per occurrence

Revision ID: meetings_0003
Revises: meetings_0002
Create Date: 2026-11-28

Reminders move from one `reminded_at` per participant (which could only remember the first
occurrence of a series) to one row per participant and occurrence start.
"""

import sqlalchemy as sa
from alembic import op

revision = "meetings_0003"
down_revision = "meetings_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings_occurrence_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("venue", sa.String(length=300), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings_meeting.id"],
            name=op.f("fk_meetings_occurrence_override_meeting_id_meetings_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_occurrence_override")),
        sa.UniqueConstraint(
            "meeting_id", "occurs_on", name=op.f("uq_meetings_occurrence_override_meeting_id")
        ),
    )
    with op.batch_alter_table("meetings_occurrence_override") as batch:
        batch.create_index(
            batch.f("ix_meetings_occurrence_override_meeting_id"), ["meeting_id"], unique=False
        )
    op.create_table(
        "meetings_reminder",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["meetings_participant.id"],
            name=op.f("fk_meetings_reminder_participant_id_meetings_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", "starts_at", name=op.f("pk_meetings_reminder")),
    )
    # Reminders already sent for a single meeting are kept, so none goes out a second time.
    op.execute(
        "INSERT INTO meetings_reminder (participant_id, starts_at, sent_at) "
        "SELECT p.id, m.start_at, p.reminded_at FROM meetings_participant p "
        "JOIN meetings_meeting m ON m.id = p.meeting_id WHERE p.reminded_at IS NOT NULL"
    )
    with op.batch_alter_table("meetings_participant") as batch:
        batch.drop_column("reminded_at")


def downgrade() -> None:
    with op.batch_alter_table("meetings_participant") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("meetings_reminder")
    with op.batch_alter_table("meetings_occurrence_override") as batch:
        batch.drop_index(batch.f("ix_meetings_occurrence_override_meeting_id"))
    op.drop_table("meetings_occurrence_override")
