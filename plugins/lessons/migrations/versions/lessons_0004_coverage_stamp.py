"""lessons plugin: the stamp under which workers cache the coverage counts

Revision ID: lessons_0004
Revises: lessons_0003
Create Date: 2026-12-01 10:00:00

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "lessons_0004"
down_revision = "lessons_0003"
branch_labels = None
depends_on = None


def upgrade():
    stamp = op.create_table(
        "lessons_coverage_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_coverage_stamp")),
    )
    op.bulk_insert(stamp, [{"id": 1, "stamp": uuid.uuid4().hex}])


def downgrade():
    op.drop_table("lessons_coverage_stamp")
