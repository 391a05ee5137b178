"""PostgreSQL keeps each account's directory text as a stored tsvector

The directory and the global search find members through the GIN index on an expression,
which PostgreSQL computed again for every account a query tested: a search walking the index
on name tested up to every account (1 s for a rare word at 150,000 accounts), and every hit
of the index was checked by computing it again. A generated column is computed once, when
the account is written, and carries the GIN index. SQLite keeps its FTS5 table.

Revision ID: core_0018_member_document
Revises: core_0017_directory_order
Create Date: 2026-12-06
"""

from alembic import op

revision = "core_0018_member_document"
down_revision = "core_0017_directory_order"
branch_labels = None
depends_on = None

MEMBER_TSVECTOR = (
    "to_tsvector('simple'::regconfig, coalesce(name, '') || ' ' || coalesce(position, '') "
    "|| ' ' || coalesce(expertise, '') || ' ' || coalesce(languages, '') || ' ' "
    "|| coalesce(country_code, ''))"
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_user_account_fulltext")
    op.execute(
        "ALTER TABLE user_account ADD COLUMN fts_document tsvector "
        f"GENERATED ALWAYS AS ({MEMBER_TSVECTOR}) STORED"
    )
    op.execute("CREATE INDEX ix_user_account_fulltext ON user_account USING gin (fts_document)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE user_account DROP COLUMN fts_document")  # drops its index too
    op.execute(
        f"CREATE INDEX ix_user_account_fulltext ON user_account USING gin ({MEMBER_TSVECTOR})"
    )
