"""governance plugin: settings move to the core's setting_value table

The core now stores every plugin's settings (and offers them on /admin/settings), so the values
saved in governance_setting are copied there and the plugin's own table goes.

Revision ID: governance_0003
Revises: governance_0002
Create Date: 2026-11-28
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "governance_0003"
down_revision = "governance_0002"
branch_labels = None
depends_on = "core_0005"

old = sa.table("governance_setting", sa.column("key", sa.String), sa.column("value", sa.JSON))
new = sa.table(
    "setting_value",
    sa.column("plugin", sa.String),
    sa.column("key", sa.String),
    sa.column("value", sa.JSON),
    sa.column("changed_at", sa.DateTime(timezone=True)),
)


def _now():
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else now


def upgrade():
    rows = op.get_bind().execute(sa.select(old.c.key, old.c.value)).all()
    if rows:
        now = _now()
        op.bulk_insert(
            new,
            [{"plugin": "governance", "key": k, "value": v, "changed_at": now} for k, v in rows],
        )
    op.drop_table("governance_setting")


def downgrade():
    op.create_table(
        "governance_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_governance_setting")),
    )
    rows = (
        op.get_bind()
        .execute(sa.select(new.c.key, new.c.value).where(new.c.plugin == "governance"))
        .all()
    )
    if rows:
        op.bulk_insert(old, [{"key": k, "value": v} for k, v in rows])
    op.execute(new.delete().where(new.c.plugin == "governance"))
