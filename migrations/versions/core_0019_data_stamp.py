"""The data stamps: one random value per name, new whenever the tables counted under it change

Figures counted from large tables (the coverage matrix, the activity report's sections) are
cached per worker under the stamp of what they count; see intranet/platform/stamps.py. The
lessons plugin kept its own one-row table for this (lessons_coverage_stamp, dropped by
lessons_0009); the core now keeps one row per name for every plugin.

Revision ID: core_0019_data_stamp
Revises: core_0018_member_document
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0019_data_stamp"
down_revision = "core_0018_member_document"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_stamp",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_stamp")),
    )


def downgrade():
    op.drop_table("data_stamp")
