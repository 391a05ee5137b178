"""an index on the accounts' role, in name order

The secretariat's and the admins' accounts are a few among 150,000: the chair widget, the
governance page, the erasure page (who is told) and the staff's account list filtered by role
read every account to find them (30-50 ms each at N=10). The index finds them, already in the
order the pages list them.

Revision ID: core_0021_role_index
Revises: core_0020_account_trigrams
Create Date: 2026-12-06
"""

from alembic import op

revision = "core_0021_role_index"
down_revision = "core_0020_account_trigrams"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_user_account_role_name", "user_account", ["role", "name", "id"])


def downgrade():
    op.drop_index("ix_user_account_role_name", table_name="user_account")
