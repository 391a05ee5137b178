"""meetings plugin: PostgreSQL keeps the tsvector of meetings, agenda items and minutes in
stored columns

Ranking a search (ts_rank) over an indexed expression computed the tsvector of every hit
again: over a second for a word in most of 100,000 agenda items. A generated column is
computed once, when the row is written, and carries the GIN index. SQLite keeps its FTS5
tables.

Revision ID: meetings_0006
Revises: meetings_0005
Create Date: 2026-12-01
"""

from alembic import op

revision = "meetings_0006"
down_revision = "meetings_0005"
branch_labels = None
depends_on = None

FULL_TEXT = {
    "meetings_meeting": ("title", "venue"),
    "meetings_agenda_item": ("title", "presenter", "description"),
    "meetings_minutes": ("body",),
}


def vector(columns: tuple[str, ...]) -> str:
    document = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('simple', {document})"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in FULL_TEXT.items():
        op.execute(f"DROP INDEX IF EXISTS {table}_fts_idx")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN fts_document tsvector "
            f"GENERATED ALWAYS AS ({vector(columns)}) STORED"
        )
        op.execute(f"CREATE INDEX {table}_fts_idx ON {table} USING gin (fts_document)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in FULL_TEXT.items():
        op.execute(f"ALTER TABLE {table} DROP COLUMN fts_document")  # drops its index too
        op.execute(f"CREATE INDEX {table}_fts_idx ON {table} USING gin ({vector(columns)})")
