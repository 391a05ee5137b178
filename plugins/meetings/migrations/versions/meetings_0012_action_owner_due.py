"""meetings plugin: a delegation's and a member's action items are read in due order

Revision ID: meetings_0012
Revises: meetings_0011
Create Date: 2026-12-07

"My action items" lists a delegation's items of one status by due date. Read through the
status and due-date index, a delegation with few items made SQLite test every open item of
the site (16,000 at N=1, 13 ms); with the due date and id in the owner-country index each
delegation's page is read in order from its own range, and likewise a member's own items from
the owner index. The indexes they replace are their prefixes.
"""

from alembic import op

revision = "meetings_0012"
down_revision = "meetings_0011"
branch_labels = None
depends_on = None

TABLE = "meetings_action_item"
# Each owner's index with the status, due date and id, and the one it replaces (its prefix).
NEW = {
    "ix_meetings_action_item_owner_country_status_due": ["owner_country", "status", "due_on", "id"],
    "ix_meetings_action_item_owner_user_status_due": ["owner_user_id", "status", "due_on", "id"],
}
OLD = {
    "ix_meetings_action_item_owner_country_status": ["owner_country", "status"],
    "ix_meetings_action_item_owner_user_id": ["owner_user_id"],
}


def upgrade() -> None:
    replace(OLD, NEW)


def downgrade() -> None:
    replace(NEW, OLD)


def replace(old: dict[str, list[str]], new: dict[str, list[str]]) -> None:
    for name, columns in new.items():
        op.create_index(name, TABLE, columns, unique=False)
    for name in old:
        op.drop_index(name, table_name=TABLE)
