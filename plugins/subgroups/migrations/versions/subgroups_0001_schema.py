"""subgroups schema

Revision ID: subgroups_0001
Revises:
Create Date: 2026-11-28 12:13:18.306313

Full-text search of sub-groups (name and mandate) uses the engine of the database: an FTS5
external-content table kept current by triggers on SQLite, and a GIN expression index on
to_tsvector on PostgreSQL. Neither is a model, so both are created here only.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "subgroups_0001"
down_revision = None
branch_labels = ("subgroups",)
depends_on = "core_0001"


def upgrade():
    op.create_table(
        "subgroups_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mandate", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("join_policy", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["user_account.id"],
            name=op.f("fk_subgroups_group_approved_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_subgroups_group_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subgroups_group")),
    )
    with op.batch_alter_table("subgroups_group", schema=None) as batch_op:
        batch_op.create_index("ix_subgroups_group_status_end", ["status", "end_date"], unique=False)

    op.create_table(
        "subgroups_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_subgroups_activity_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["subgroups_group.id"],
            name=op.f("fk_subgroups_activity_group_id_subgroups_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subgroups_activity")),
    )
    with op.batch_alter_table("subgroups_activity", schema=None) as batch_op:
        batch_op.create_index("ix_subgroups_activity_group_at", ["group_id", "at"], unique=False)

    op.create_table(
        "subgroups_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("previous_end", sa.Date(), nullable=False),
        sa.Column("new_end", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_subgroups_extension_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["subgroups_group.id"],
            name=op.f("fk_subgroups_extension_group_id_subgroups_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subgroups_extension")),
    )
    with op.batch_alter_table("subgroups_extension", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subgroups_extension_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "subgroups_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["subgroups_group.id"],
            name=op.f("fk_subgroups_membership_group_id_subgroups_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_subgroups_membership_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subgroups_membership")),
        sa.UniqueConstraint("group_id", "user_id", name="uq_subgroups_membership"),
    )
    with op.batch_alter_table("subgroups_membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subgroups_membership_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "subgroups_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_subgroups_thread_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["subgroups_group.id"],
            name=op.f("fk_subgroups_thread_group_id_subgroups_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subgroups_thread")),
    )
    with op.batch_alter_table("subgroups_thread", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subgroups_thread_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "subgroups_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_subgroups_post_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["user_account.id"],
            name=op.f("fk_subgroups_post_deleted_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["subgroups_thread.id"],
            name=op.f("fk_subgroups_post_thread_id_subgroups_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subgroups_post")),
    )
    with op.batch_alter_table("subgroups_post", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subgroups_post_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_subgroups_post_thread_id"), ["thread_id"], unique=False
        )

    create_full_text_index()


def create_full_text_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE subgroups_group_fts USING fts5("
            "name, mandate, content='subgroups_group', content_rowid='id', "
            "tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER subgroups_group_fts_ai AFTER INSERT ON subgroups_group BEGIN "
            "INSERT INTO subgroups_group_fts(rowid, name, mandate) "
            "VALUES (new.id, new.name, new.mandate); END"
        )
        op.execute(
            "CREATE TRIGGER subgroups_group_fts_ad AFTER DELETE ON subgroups_group BEGIN "
            "INSERT INTO subgroups_group_fts(subgroups_group_fts, rowid, name, mandate) "
            "VALUES ('delete', old.id, old.name, old.mandate); END"
        )
        op.execute(
            "CREATE TRIGGER subgroups_group_fts_au AFTER UPDATE ON subgroups_group BEGIN "
            "INSERT INTO subgroups_group_fts(subgroups_group_fts, rowid, name, mandate) "
            "VALUES ('delete', old.id, old.name, old.mandate); "
            "INSERT INTO subgroups_group_fts(rowid, name, mandate) "
            "VALUES (new.id, new.name, new.mandate); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX subgroups_group_fts_idx ON subgroups_group USING gin "
            "(to_tsvector('english', coalesce(name, '') || ' ' || coalesce(mandate, '')))"
        )


def drop_full_text_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS subgroups_group_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS subgroups_group_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS subgroups_group_fts_idx")


def downgrade():
    drop_full_text_index()
    with op.batch_alter_table("subgroups_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subgroups_post_thread_id"))
        batch_op.drop_index(batch_op.f("ix_subgroups_post_author_id"))

    op.drop_table("subgroups_post")
    with op.batch_alter_table("subgroups_thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subgroups_thread_group_id"))

    op.drop_table("subgroups_thread")
    with op.batch_alter_table("subgroups_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subgroups_membership_user_id"))

    op.drop_table("subgroups_membership")
    with op.batch_alter_table("subgroups_extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subgroups_extension_group_id"))

    op.drop_table("subgroups_extension")
    with op.batch_alter_table("subgroups_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_subgroups_activity_group_at")

    op.drop_table("subgroups_activity")
    with op.batch_alter_table("subgroups_group", schema=None) as batch_op:
        batch_op.drop_index("ix_subgroups_group_status_end")

    op.drop_table("subgroups_group")
