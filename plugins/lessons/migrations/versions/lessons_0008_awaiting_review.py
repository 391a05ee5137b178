"""lessons plugin: a partial index of the lessons awaiting review, longest waiting first

The reviewers' card lists what awaits review ten at a time, by submission time. Through the
index on (status, pending_revision) the database found every such lesson and sorted them all
for each view (410 ms at N=10, with fifty thousand submitted lessons); this index holds only
them, in the card's order, so a page reads its ten rows.

Revision ID: lessons_0008
Revises: lessons_0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "lessons_0008"
down_revision = "lessons_0007"
branch_labels = None
depends_on = None

AWAITING_REVIEW = "status = 'submitted' OR (status = 'published' AND pending_revision IS NOT NULL)"


def upgrade():
    op.create_index(
        "ix_lessons_lesson_awaiting_review",
        "lessons_lesson",
        ["submitted_at", "id"],
        sqlite_where=sa.text(AWAITING_REVIEW),
        postgresql_where=sa.text(AWAITING_REVIEW),
    )


def downgrade():
    op.drop_index("ix_lessons_lesson_awaiting_review", table_name="lessons_lesson")
