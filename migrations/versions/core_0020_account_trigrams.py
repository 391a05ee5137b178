"""PostgreSQL finds accounts by any part of their name or address through a trigram index

The staff's account search matches any part of a name or an email address (`ILIKE '%...%'`),
which no b-tree can answer: PostgreSQL read all 150,000 accounts twice per page (the count and
the page, 90 ms each at N=10). A GIN index of trigrams (the pg_trgm extension, shipped with
PostgreSQL and trusted, so the database's owner may create it) answers such patterns of three
letters or more. Where the extension is not available the search still works, by reading the
accounts. SQLite keeps reading them (15,000 at N=1 take a few milliseconds).

Revision ID: core_0020_account_trigrams
Revises: core_0019_data_stamp
Create Date: 2026-12-06
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "core_0020_account_trigrams"
down_revision = "core_0019_data_stamp"
branch_labels = None
depends_on = None

INDEX = "ix_user_account_fulltext_trigram"


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    available = bind.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"))
    if not available:
        logging.getLogger("alembic").warning(
            "pg_trgm is not installed: the account search reads every account"
        )
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        f"CREATE INDEX {INDEX} ON user_account USING gin (name gin_trgm_ops, email gin_trgm_ops)"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
