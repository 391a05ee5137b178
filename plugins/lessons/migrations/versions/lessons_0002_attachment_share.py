"""lessons plugin: a sharing level for each document attached to a lesson

Revision ID: lessons_0002
Revises: lessons_0001
Create Date: 2026-11-28 13:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "lessons_0002"
down_revision = "lessons_0001"
branch_labels = None
depends_on = "core_0003"


def upgrade():
    op.create_table(
        "lessons_attachment_share",
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("sharing", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachment.id"],
            name=op.f("fk_lessons_attachment_share_attachment_id_attachment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_lessons_attachment_share")),
    )


def downgrade():
    op.drop_table("lessons_attachment_share")
