"""governance plugin: chairmanship, mandate, living documents, reports, settings; full-text search

Revision ID: governance_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

import intranet.models

revision = "governance_0001"
down_revision = None
branch_labels = ("governance",)
depends_on = "core_0001"

# Full-text search: FTS5 external-content tables kept in step by triggers on SQLite; GIN
# expression indexes on PostgreSQL (the queries in plugins/governance/search.py repeat the
# same expressions so the planner uses them).
FTS = {
    "governance_revision": ("body", "reason"),
    "governance_report": ("title", "introduction", "conclusions"),
}


VECTORS = {
    "governance_revision": "to_tsvector('english'::regconfig, (body || ' '::text) || reason::text)",
    "governance_report": "to_tsvector('english'::regconfig, "
    "(((title::text || ' '::text) || introduction) || ' '::text) || conclusions)",
}


def create_search_index(table, columns):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_{table}_fts ON {table} USING gin ({VECTORS[table]})")
        return
    if op.get_bind().dialect.name != "sqlite":
        return
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {table}_fts USING fts5({names}, content='{table}', "
        "content_rowid='id', tokenize='porter unicode61')"
    )
    # Table and column names are the constants above, never user input.
    insert = f"INSERT INTO {table}_fts(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608
    delete = (
        f"INSERT INTO {table}_fts({table}_fts, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: S608
    )
    op.execute(f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN {delete} END")
    op.execute(f"CREATE TRIGGER {table}_fts_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END")


def drop_search_index(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_fts")
    elif op.get_bind().dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")


def upgrade():
    op.create_table(
        "governance_chair_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("created_at", intranet.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_chair_period")),
    )
    with op.batch_alter_table("governance_chair_period", schema=None) as batch_op:
        batch_op.create_index(
            "ix_governance_chair_period_start_end", ["start", "end"], unique=False
        )

    op.create_table(
        "governance_mandate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("decision_text", sa.Text(), nullable=False),
        sa.Column("decision_reference", sa.String(length=200), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("is_prolongation", sa.Boolean(), nullable=False),
        sa.Column("created_at", intranet.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_mandate")),
    )
    op.create_table(
        "governance_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_governance_setting")),
    )
    op.create_table(
        "governance_chairperson",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["governance_chair_period.id"],
            name=op.f("fk_governance_chairperson_period_id_governance_chair_period"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_governance_chairperson_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("period_id", "user_id", name=op.f("pk_governance_chairperson")),
    )
    op.create_table(
        "governance_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", intranet.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", intranet.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_governance_report_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_governance_report_submitted_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_report")),
    )
    op.create_table(
        "governance_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", intranet.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_governance_revision_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_revision")),
        sa.UniqueConstraint("document", "number", name=op.f("uq_governance_revision_document")),
    )
    op.create_table(
        "governance_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("base_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", intranet.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", intranet.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_governance_proposal_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"],
            ["user_account.id"],
            name=op.f("fk_governance_proposal_proposer_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["governance_revision.id"],
            name=op.f("fk_governance_proposal_revision_id_governance_revision"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_proposal")),
    )
    with op.batch_alter_table("governance_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_governance_proposal_status"), ["status"], unique=False)
    for table, columns in FTS.items():
        create_search_index(table, columns)


def downgrade():
    for table in FTS:
        drop_search_index(table)

    with op.batch_alter_table("governance_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_proposal_status"))

    op.drop_table("governance_proposal")
    op.drop_table("governance_revision")
    op.drop_table("governance_report")
    op.drop_table("governance_chairperson")
    op.drop_table("governance_setting")
    op.drop_table("governance_mandate")
    with op.batch_alter_table("governance_chair_period", schema=None) as batch_op:
        batch_op.drop_index("ix_governance_chair_period_start_end")

    op.drop_table("governance_chair_period")
