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


def upgrade() -> None:
    op.create_index(
        "ix_meetings_action_item_owner_country_status_due",
        TABLE,
        ["owner_country", "status", "due_on", "id"],
        unique=False,
    )
    op.drop_index("ix_meetings_action_item_owner_country_status", table_name=TABLE)
    op.create_index(
        "ix_meetings_action_item_owner_user_status_due",
        TABLE,
        ["owner_user_id", "status", "due_on", "id"],
        unique=False,
    )
    op.drop_index("ix_meetings_action_item_owner_user_id", table_name=TABLE)


def downgrade() -> None:
    op.create_index(
        "ix_meetings_action_item_owner_country_status",
        TABLE,
        ["owner_country", "status"],
        unique=False,
    )
    op.drop_index("ix_meetings_action_item_owner_country_status_due", table_name=TABLE)
    op.create_index("ix_meetings_action_item_owner_user_id", TABLE, ["owner_user_id"], unique=False)
    op.drop_index("ix_meetings_action_item_owner_user_status_due", table_name=TABLE)
