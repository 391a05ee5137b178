"""an index covering the directory's order by organisation

A delegation's page lists its experts by organisation name, then name. The organisations'
names are in another table, so the database read every account of the country and sorted
them whole to show a hundred (9,000 accounts at N=10: 25 ms). The page's ids are now sorted
from this index's entries alone (country, organisation, name, id and the directory's two
conditions, role and active), and only those hundred accounts are read.

Revision ID: core_0022_organisation_order
Revises: core_0021_role_index
Create Date: 2026-12-07
"""

from alembic import op

revision = "core_0022_organisation_order"
down_revision = "core_0021_role_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_user_account_organisation_order",
        "user_account",
        ["country_code", "organisation_id", "name", "id", "role", "active"],
    )


def downgrade():
    op.drop_index("ix_user_account_organisation_order", table_name="user_account")
