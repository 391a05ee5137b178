"""lessons plugin: links from initiatives to other plugins' objects (sub-groups)

Revision ID: lessons_0003
Revises: lessons_0002
Create Date: 2026-11-28 13:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "lessons_0003"
down_revision = "lessons_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lessons_initiative_resource",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("resource_kind", sa.String(length=60), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["lessons_initiative.id"],
            name=op.f("fk_lessons_initiative_resource_initiative_id_lessons_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "initiative_id",
            "resource_kind",
            "resource_id",
            name=op.f("pk_lessons_initiative_resource"),
        ),
    )
    op.create_index(
        "ix_lessons_initiative_resource_resource",
        "lessons_initiative_resource",
        ["resource_kind", "resource_id"],
    )


def downgrade():
    op.drop_index(
        "ix_lessons_initiative_resource_resource", table_name="lessons_initiative_resource"
    )
    op.drop_table("lessons_initiative_resource")
