"""example plugin: notes

Revision ID: example_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "example_0001"
down_revision = None
branch_labels = ("example",)
depends_on = "core_0001"


def upgrade():
    op.create_table(
        "example_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_example_note_author_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_example_note")),
    )


def downgrade():
    op.drop_table("example_note")
