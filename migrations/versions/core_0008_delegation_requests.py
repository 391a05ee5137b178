"""delegation requests: a member asks, staff confirm or decline

Revision ID: core_0008_delegation_requests
Revises: core_0007_erasure
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0008_delegation_requests"
down_revision = "core_0007_erasure"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "delegation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=8), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            ondelete="CASCADE",
            name=op.f("fk_delegation_request_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["country.code"],
            ondelete="CASCADE",
            name=op.f("fk_delegation_request_country_code_country"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            ondelete="SET NULL",
            name=op.f("fk_delegation_request_decided_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation_request")),
    )
    with op.batch_alter_table("delegation_request") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delegation_request_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_delegation_request_decision"), ["decision"], unique=False
        )


def downgrade():
    op.drop_table("delegation_request")
