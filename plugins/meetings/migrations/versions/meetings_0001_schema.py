"""meetings plugin: meetings, agendas, participants, minutes, decisions, action items

Revision ID: meetings_0001
Revises:
Create Date: 2026-11-28

Full-text search is engine-specific and not part of the models: FTS5 external-content tables
kept in step by triggers on SQLite, GIN expression indexes over to_tsvector on PostgreSQL.
"""

# ruff: noqa: S608 - the SQL is built from this module's constant table and column names
import sqlalchemy as sa
from alembic import op

revision = "meetings_0001"
down_revision = None
branch_labels = ("meetings",)
depends_on = "core_0001"

# (source table, indexed columns); search.py queries the same expressions.
FULL_TEXT = {
    "meetings_meeting": ("title", "venue"),
    "meetings_agenda_item": ("title", "presenter", "description"),
    "meetings_minutes": ("body",),
}


def create_full_text() -> None:
    dialect = op.get_bind().dialect.name
    for table, columns in FULL_TEXT.items():
        if dialect == "sqlite":
            fts = f"{table}_fts"
            names = ", ".join(columns)
            new = ", ".join(f"new.{c}" for c in columns)
            old = ", ".join(f"old.{c}" for c in columns)
            op.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
                "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
            )
            op.execute(
                f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
            )
            op.execute(
                f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END"
            )
            op.execute(
                f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
                f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
            )
        elif dialect == "postgresql":
            document = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
            op.execute(
                f"CREATE INDEX {table}_fts_idx ON {table} "
                f"USING gin (to_tsvector('simple', {document}))"
            )


def drop_full_text() -> None:
    dialect = op.get_bind().dialect.name
    for table in FULL_TEXT:
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS {table}_fts_idx")


def upgrade():
    op.create_table(
        "meetings_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_series")),
    )
    op.create_table(
        "meetings_feed_token",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_meetings_feed_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_meetings_feed_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_meetings_feed_token_token_hash")),
    )
    op.create_table(
        "meetings_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner_kind", sa.String(length=64), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("host_country", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("rrule", sa.String(length=500), nullable=True),
        sa.Column("exdates", sa.JSON(), nullable=False),
        sa.Column("agenda_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_meetings_meeting_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["meetings_series.id"],
            name=op.f("fk_meetings_meeting_series_id_meetings_series"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_meeting")),
    )
    with op.batch_alter_table("meetings_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_meeting_series_id"), ["series_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meetings_meeting_last_end_at"), ["last_end_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meetings_meeting_start_at"), ["start_at"], unique=False
        )

    op.create_table(
        "meetings_action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_country", sa.String(length=8), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings_meeting.id"],
            name=op.f("fk_meetings_action_item_meeting_id_meetings_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["user_account.id"],
            name=op.f("fk_meetings_action_item_owner_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_action_item")),
    )
    with op.batch_alter_table("meetings_action_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_action_item_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meetings_action_item_owner_country"), ["owner_country"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meetings_action_item_owner_user_id"), ["owner_user_id"], unique=False
        )

    op.create_table(
        "meetings_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("presenter", sa.String(length=200), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings_meeting.id"],
            name=op.f("fk_meetings_agenda_item_meeting_id_meetings_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_agenda_item")),
    )
    with op.batch_alter_table("meetings_agenda_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_agenda_item_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "meetings_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings_meeting.id"],
            name=op.f("fk_meetings_decision_meeting_id_meetings_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_decision")),
    )
    with op.batch_alter_table("meetings_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_decision_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "meetings_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings_meeting.id"],
            name=op.f("fk_meetings_minutes_meeting_id_meetings_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_minutes")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_meetings_minutes_meeting_id")),
    )
    op.create_table(
        "meetings_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("response", sa.String(length=20), nullable=True),
        sa.Column("mode", sa.String(length=20), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings_meeting.id"],
            name=op.f("fk_meetings_participant_meeting_id_meetings_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_meetings_participant_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings_participant")),
        sa.UniqueConstraint(
            "meeting_id", "user_id", name=op.f("uq_meetings_participant_meeting_id")
        ),
    )
    with op.batch_alter_table("meetings_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_participant_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meetings_participant_user_id"), ["user_id"], unique=False
        )

    create_full_text()


def downgrade():
    drop_full_text()
    with op.batch_alter_table("meetings_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_participant_user_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_participant_meeting_id"))

    op.drop_table("meetings_participant")
    op.drop_table("meetings_minutes")
    with op.batch_alter_table("meetings_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_decision_meeting_id"))

    op.drop_table("meetings_decision")
    with op.batch_alter_table("meetings_agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_agenda_item_meeting_id"))

    op.drop_table("meetings_agenda_item")
    with op.batch_alter_table("meetings_action_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_action_item_owner_user_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_action_item_owner_country"))
        batch_op.drop_index(batch_op.f("ix_meetings_action_item_meeting_id"))

    op.drop_table("meetings_action_item")
    with op.batch_alter_table("meetings_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_meeting_last_end_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_meeting_start_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_meeting_series_id"))

    op.drop_table("meetings_meeting")
    op.drop_table("meetings_feed_token")
    op.drop_table("meetings_series")
