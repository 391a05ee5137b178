"""lessons plugin: the lessons' counts per facet value, kept row by row

A list's facet counts without a filter, the coverage matrix and the number of public lessons
were counted again, for every lesson, each time one lesson was published or withdrawn: 4.5 to
7.7 s for the first list after it at N=10. lessons_tally keeps these counts per kind of
lesson (its sharing once published, or unpublished) and is kept in step with every write
(see plugins/lessons/tally.py); this revision counts the lessons there are.

Revision ID: lessons_0010
Revises: lessons_0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "lessons_0010"
down_revision = "lessons_0009"
branch_labels = None
depends_on = None

COUNT = """
WITH tallied AS (
    SELECT id, CASE WHEN status = 'published' THEN sharing ELSE 'unpublished' END AS kind,
           level, area, CAST(start_year AS VARCHAR) AS year
    FROM lessons_lesson
)
INSERT INTO lessons_tally (kind, facet, value, count)
SELECT kind, '', '', count(*) FROM tallied GROUP BY kind
UNION ALL SELECT kind, 'level', level, count(*) FROM tallied GROUP BY kind, level
UNION ALL SELECT kind, 'area', area, count(*) FROM tallied GROUP BY kind, area
UNION ALL SELECT kind, 'year', year, count(*) FROM tallied GROUP BY kind, year
UNION ALL SELECT kind, term.facet, term.value, count(*)
    FROM tallied JOIN lessons_lesson_term AS term ON term.lesson_id = tallied.id
    GROUP BY kind, term.facet, term.value
UNION ALL SELECT kind, 'country+area', term.value || '+' || area, count(*)
    FROM tallied JOIN lessons_lesson_term AS term ON term.lesson_id = tallied.id
    WHERE term.facet = 'country' GROUP BY kind, term.value, area
UNION ALL SELECT kind, 'country+level', term.value || '+' || level, count(*)
    FROM tallied JOIN lessons_lesson_term AS term ON term.lesson_id = tallied.id
    WHERE term.facet = 'country' GROUP BY kind, term.value, level
"""


def upgrade():
    op.create_table(
        "lessons_tally",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=90), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "facet", "value", name=op.f("pk_lessons_tally")),
    )
    op.execute(COUNT)


def downgrade():
    op.drop_table("lessons_tally")
