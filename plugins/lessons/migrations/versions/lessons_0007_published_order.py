"""lessons plugin: indexes for the lists people open first

Lists show the newest lessons first: without an index on (published_at, id) every list page
sorted all lessons it selects (at a hundred thousand lessons, 200-400 ms a page); with it, the
database reads the first page of the index and stops. The reviewers' card finds what awaits
review (submitted, or published with a change waiting) through (status, pending_revision)
instead of reading every published lesson, and an initiative's page its lessons through
lessons_lesson_initiative(initiative_id) instead of asking every lesson.

Revision ID: lessons_0007
Revises: lessons_0006
Create Date: 2026-12-06 00:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "lessons_0007"
down_revision = "lessons_0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_lessons_lesson_published_at", "lessons_lesson", ["published_at", "id"])
    op.create_index(
        "ix_lessons_lesson_status_pending", "lessons_lesson", ["status", "pending_revision"]
    )
    op.create_index(
        "ix_lessons_lesson_initiative_initiative_id",
        "lessons_lesson_initiative",
        ["initiative_id"],
    )


def downgrade():
    op.drop_index(
        "ix_lessons_lesson_initiative_initiative_id", table_name="lessons_lesson_initiative"
    )
    op.drop_index("ix_lessons_lesson_status_pending", table_name="lessons_lesson")
    op.drop_index("ix_lessons_lesson_published_at", table_name="lessons_lesson")
