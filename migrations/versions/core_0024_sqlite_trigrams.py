"""SQLite finds accounts by any part of their name or address through a trigram index too

The staff's account search matches any part of a name or an email address. PostgreSQL answers
it from a trigram index (core_0020); SQLite read every account in name order and tested both
columns (22 ms for a word in no name at N=1, 15,000 accounts). An FTS5 table with the trigram
tokenizer (SQLite 3.34 or later) holds the two columns, kept by triggers like member_fts, and
finds any part of three letters or more; shorter searches still read the accounts.

Revision ID: core_0024_sqlite_trigrams
Revises: core_0023_shared_figure
Create Date: 2026-12-07
"""

from alembic import op

revision = "core_0024_sqlite_trigrams"
down_revision = "core_0023_shared_figure"
branch_labels = None
depends_on = None

STATEMENTS = [
    """CREATE VIRTUAL TABLE account_fts USING fts5(
        name, email, content='user_account', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER account_fts_insert AFTER INSERT ON user_account BEGIN
        INSERT INTO account_fts(rowid, name, email) VALUES (new.id, new.name, new.email);
    END""",
    """CREATE TRIGGER account_fts_delete AFTER DELETE ON user_account BEGIN
        INSERT INTO account_fts(account_fts, rowid, name, email)
        VALUES ('delete', old.id, old.name, old.email);
    END""",
    """CREATE TRIGGER account_fts_update AFTER UPDATE OF name, email ON user_account BEGIN
        INSERT INTO account_fts(account_fts, rowid, name, email)
        VALUES ('delete', old.id, old.name, old.email);
        INSERT INTO account_fts(rowid, name, email) VALUES (new.id, new.name, new.email);
    END""",
    "INSERT INTO account_fts(account_fts) VALUES ('rebuild')",
]


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("account_fts_insert", "account_fts_delete", "account_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS account_fts")
