"""privacy: notice versions, acknowledgements and personal data export requests

Revision ID: core_0006_privacy
Revises: core_0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0006_privacy"
down_revision = "core_0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "privacy_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("changes", sa.String(length=500), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            ondelete="SET NULL",
            name=op.f("fk_privacy_notice_published_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notice")),
        sa.UniqueConstraint("version", name=op.f("uq_privacy_notice_version")),
    )
    op.create_table(
        "privacy_acknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            ondelete="CASCADE",
            name=op.f("fk_privacy_acknowledgement_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["privacy_notice.id"],
            ondelete="CASCADE",
            name=op.f("fk_privacy_acknowledgement_notice_id_privacy_notice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_acknowledgement")),
        sa.UniqueConstraint("user_id", "notice_id", name="uq_privacy_acknowledgement"),
    )
    op.create_index(
        op.f("ix_privacy_acknowledgement_user_id"), "privacy_acknowledgement", ["user_id"]
    )
    op.create_index(
        op.f("ix_privacy_acknowledgement_notice_id"), "privacy_acknowledgement", ["notice_id"]
    )
    op.create_table(
        "privacy_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("storage_path", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            ondelete="CASCADE",
            name=op.f("fk_privacy_export_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_export")),
    )
    op.create_index(op.f("ix_privacy_export_user_id"), "privacy_export", ["user_id"])
    op.create_index(op.f("ix_privacy_export_status"), "privacy_export", ["status"])


def downgrade():
    op.drop_table("privacy_export")
    op.drop_table("privacy_acknowledgement")
    op.drop_table("privacy_notice")
