"""subgroups plugin: PostgreSQL keeps the tsvector of a group's name and mandate in a stored
column

The search matched an indexed expression, but with a few hundred groups the planner scans the
table and computes the tsvector of every mandate again for each search: 25-35 ms of every
global search at N=1. A generated column is computed once, when the row is written, and
carries the GIN index. SQLite keeps its FTS5 table.

Revision ID: subgroups_0006
Revises: subgroups_0005
Create Date: 2026-12-06
"""

from alembic import op

revision = "subgroups_0006"
down_revision = "subgroups_0005"
branch_labels = None
depends_on = None

VECTOR = "to_tsvector('english', coalesce(name, '') || ' ' || coalesce(mandate, ''))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS subgroups_group_fts_idx")
    op.execute(
        f"ALTER TABLE subgroups_group ADD COLUMN fts_document tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    op.execute("CREATE INDEX subgroups_group_fts_idx ON subgroups_group USING gin (fts_document)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE subgroups_group DROP COLUMN fts_document")  # drops its index too
    op.execute(f"CREATE INDEX subgroups_group_fts_idx ON subgroups_group USING gin ({VECTOR})")
