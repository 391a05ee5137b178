"""settings: values an admin chose for the plugins' declared settings

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "setting_value",
        sa.Column("plugin", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            ondelete="SET NULL",
            name=op.f("fk_setting_value_changed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("plugin", "key", name=op.f("pk_setting_value")),
    )


def downgrade():
    op.drop_table("setting_value")
