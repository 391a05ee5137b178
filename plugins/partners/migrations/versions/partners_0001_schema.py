"""partners: invitations, guests and their grants

Revision ID: partners_0001
Revises:
Create Date: 2026-11-28 12:19:25.855719

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "partners_0001"
down_revision = None
branch_labels = ("partners",)
depends_on = "core_0001"


def upgrade():

    op.create_table(
        "partners_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guest_id", sa.Integer(), nullable=False),
        sa.Column("resource_kind", sa.String(length=64), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["user_account.id"],
            name=op.f("fk_partners_grant_granted_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guest_id"],
            ["user_account.id"],
            name=op.f("fk_partners_grant_guest_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners_grant")),
        sa.UniqueConstraint("guest_id", "resource_kind", "resource_id", name="uq_partners_grant"),
    )
    with op.batch_alter_table("partners_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partners_grant_guest_id"), ["guest_id"], unique=False)

    op.create_table(
        "partners_guest",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("organisation_kind", sa.String(length=32), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column("access_ends_on", sa.Date(), nullable=False),
        sa.Column("reminded_for", sa.Date(), nullable=True),
        sa.Column("sponsor_flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["user_account.id"],
            name=op.f("fk_partners_guest_sponsor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_partners_guest_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_partners_guest")),
    )
    op.create_table(
        "partners_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("organisation_kind", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column("access_ends_on", sa.Date(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_link_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("guest_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["guest_id"],
            ["user_account.id"],
            name=op.f("fk_partners_invitation_guest_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"],
            ["user_account.id"],
            name=op.f("fk_partners_invitation_sponsor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_partners_invitation_token_hash")),
    )
    with op.batch_alter_table("partners_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partners_invitation_email"), ["email"], unique=False)

    op.create_table(
        "partners_invitation_resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("resource_kind", sa.String(length=64), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["partners_invitation.id"],
            name=op.f("fk_partners_invitation_resource_invitation_id_partners_invitation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners_invitation_resource")),
    )
    with op.batch_alter_table("partners_invitation_resource", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partners_invitation_resource_invitation_id"),
            ["invitation_id"],
            unique=False,
        )


def downgrade():

    with op.batch_alter_table("partners_invitation_resource", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_invitation_resource_invitation_id"))

    op.drop_table("partners_invitation_resource")
    with op.batch_alter_table("partners_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_invitation_email"))

    op.drop_table("partners_invitation")
    op.drop_table("partners_guest")
    with op.batch_alter_table("partners_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_grant_guest_id"))

    op.drop_table("partners_grant")
