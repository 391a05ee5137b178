"""indexes in the directory's orders: by name, and by country then name

The directory lists 25 active members at a time by name (or by country); without an index in
that order the database sorted every account for each page (at 150,000 accounts, 90 ms).

Revision ID: core_0017_directory_order
Revises: core_0016_country_index
Create Date: 2026-12-06
"""

from alembic import op

revision = "core_0017_directory_order"
down_revision = "core_0016_country_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_user_account_name", "user_account", ["name", "id"])
    op.create_index("ix_user_account_country_name", "user_account", ["country_code", "name", "id"])


def downgrade():
    op.drop_index("ix_user_account_country_name", table_name="user_account")
    op.drop_index("ix_user_account_name", table_name="user_account")
