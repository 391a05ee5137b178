"""lessons plugin: an index on (published_at, id), the order of every lesson list

Lists show the newest lessons first: without this index every list page sorted all lessons
it selects (at a hundred thousand lessons, 200-400 ms a page); with it, the database reads
the first page of the index and stops.

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


def downgrade():
    op.drop_index("ix_lessons_lesson_published_at", table_name="lessons_lesson")
