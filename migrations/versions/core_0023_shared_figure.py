"""figures counted under a data stamp, shared by every worker and host

Each worker kept the figures it counted (a lesson list's facet counts, the coverage matrix,
the activity report's sections) for itself, so after a change, or a restart, every worker of
every host counted them again: at a million lessons, seconds for each of the first views.
A worker now leaves them here under their stamp and the others read them in one small query;
see intranet/platform/shared_figures.py.

Revision ID: core_0023_shared_figure
Revises: core_0022_organisation_order
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0023_shared_figure"
down_revision = "core_0022_organisation_order"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shared_figure",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", "key_hash", name=op.f("pk_shared_figure")),
    )


def downgrade():
    op.drop_table("shared_figure")
