"""an index on user_account.country_code: delegations, the country admin page and the
directory's country filter count or list the people of a country

Without it every country's count read every account (at 15,000 accounts, 40 ms a page).

Revision ID: core_0016_country_index
Revises: core_0015_mailing_list
Create Date: 2026-12-06
"""

from alembic import op

revision = "core_0016_country_index"
down_revision = "core_0015_mailing_list"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_user_account_country_code", "user_account", ["country_code"])


def downgrade():
    op.drop_index("ix_user_account_country_code", table_name="user_account")
