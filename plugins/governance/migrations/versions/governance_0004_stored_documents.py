"""governance plugin: PostgreSQL keeps the tsvector of document revisions and reports in stored
columns

The search matched an indexed expression, but with a few hundred revisions the planner scans
the table and computes the tsvector of every revision again for each search: 45 ms for a word
at N=1, on every global search. A generated column is computed once, when the row is written,
and carries the GIN index. SQLite keeps its FTS5 tables.

Revision ID: governance_0004
Revises: governance_0003
Create Date: 2026-12-06
"""

from alembic import op

revision = "governance_0004"
down_revision = "governance_0003"
branch_labels = None
depends_on = None

# The expressions of governance_0001's indexes.
VECTORS = {
    "governance_revision": "to_tsvector('english'::regconfig, (body || ' '::text) || reason::text)",
    "governance_report": "to_tsvector('english'::regconfig, "
    "(((title::text || ' '::text) || introduction) || ' '::text) || conclusions)",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, vector in VECTORS.items():
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_fts")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN fts_document tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_fts ON {table} USING gin (fts_document)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, vector in VECTORS.items():
        op.execute(f"ALTER TABLE {table} DROP COLUMN fts_document")  # drops its index too
        op.execute(f"CREATE INDEX ix_{table}_fts ON {table} USING gin ({vector})")
