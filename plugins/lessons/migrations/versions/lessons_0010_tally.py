"""lessons plugin: the lessons' counts per facet value, kept row by row

A list's facet counts, unfiltered or filtered by one value, the coverage matrix and the
number of public lessons were counted again, over every lesson, each time one lesson was
published or withdrawn: 4.5 to 7.7 s for the first unfiltered list after it at N=10, 1.4 s
for one filtered by a country. lessons_tally keeps, per kind of lesson (its sharing once
published, or unpublished) and per facet value a list can be filtered by, the counts of every
facet value, and is kept in step with every write (see plugins/lessons/tally.py). This
revision counts the lessons there are: each lesson's values, in pairs (a minute or two for a
million lessons).

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
),
tallied_values AS (
    SELECT id, kind, '' AS facet, '' AS value FROM tallied
    UNION ALL SELECT id, kind, 'level', level FROM tallied
    UNION ALL SELECT id, kind, 'area', area FROM tallied
    UNION ALL SELECT id, kind, 'year', year FROM tallied
    UNION ALL SELECT tallied.id, kind, term.facet, term.value
        FROM tallied JOIN lessons_lesson_term AS term ON term.lesson_id = tallied.id
)
INSERT INTO lessons_tally (kind, within_facet, within_value, facet, value, count)
SELECT chosen.kind, chosen.facet, chosen.value, counted.facet, counted.value, count(*)
FROM tallied_values AS chosen JOIN tallied_values AS counted ON counted.id = chosen.id
GROUP BY chosen.kind, chosen.facet, chosen.value, counted.facet, counted.value
"""


def upgrade():
    op.create_table(
        "lessons_tally",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("within_facet", sa.String(length=10), nullable=False),
        sa.Column("within_value", sa.String(length=60), nullable=False),
        sa.Column("facet", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "kind",
            "within_facet",
            "within_value",
            "facet",
            "value",
            name=op.f("pk_lessons_tally"),
        ),
    )
    op.execute(COUNT)


def downgrade():
    op.drop_table("lessons_tally")
