"""meetings plugin: minutes approved by the next meeting of their body; sub-groups invited

The next meeting of the same body (the task force's plenary, or the same sub-group) approves
the minutes of the previous one under its standing item: who approved them, and at which
meeting, are kept beside the time they were approved. A meeting remembers the sub-groups it
invited whole, so that their later members are invited too.

On SQLite the columns are added with ALTER TABLE and column-level foreign keys, as core_0002
does: a batch copy of meetings_minutes would lose the triggers that keep its full-text index
up to date.

Revision ID: meetings_0008_minutes
Revises: meetings_0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "meetings_0008_minutes"
down_revision = "meetings_0007"
branch_labels = None
depends_on = None

TABLE = "meetings_minutes"
# column, the foreign key's name, the table it refers to
REFERENCES = (
    ("approved_by_id", "fk_meetings_minutes_approved_by_id_user_account", "user_account"),
    ("approved_in_id", "fk_meetings_minutes_approved_in_id_meetings_meeting", "meetings_meeting"),
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, constraint, target in REFERENCES:
        if sqlite:
            op.execute(
                f"ALTER TABLE {TABLE} ADD COLUMN {name} INTEGER CONSTRAINT {constraint} "
                f"REFERENCES {target} (id) ON DELETE SET NULL"
            )
        else:
            op.add_column(TABLE, sa.Column(name, sa.Integer(), nullable=True))
            op.create_foreign_key(
                op.f(constraint), TABLE, target, [name], ["id"], ondelete="SET NULL"
            )
    op.create_index(op.f("ix_meetings_minutes_approved_in_id"), TABLE, ["approved_in_id"])
    op.add_column(
        "meetings_meeting",
        sa.Column("invited_groups", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_column("meetings_meeting", "invited_groups")
    op.drop_index(op.f("ix_meetings_minutes_approved_in_id"), table_name=TABLE)
    for name, constraint, _target in REFERENCES:
        if not sqlite:
            op.drop_constraint(op.f(constraint), TABLE, type_="foreignkey")
        op.drop_column(TABLE, name)
