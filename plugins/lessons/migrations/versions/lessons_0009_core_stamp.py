"""lessons plugin: the coverage counts follow the core's data stamp "lessons"

The one-row table lessons_coverage_stamp gives way to the core's data_stamp
(core_0019_data_stamp), which every plugin's cached figures share.

Revision ID: lessons_0009
Revises: lessons_0008
Create Date: 2026-12-06
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "lessons_0009"
down_revision = "lessons_0008"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("lessons_coverage_stamp")


def downgrade():
    stamp = op.create_table(
        "lessons_coverage_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_coverage_stamp")),
    )
    op.bulk_insert(stamp, [{"id": 1, "stamp": uuid.uuid4().hex}])
