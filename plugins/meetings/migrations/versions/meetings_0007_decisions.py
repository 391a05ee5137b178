"""meetings plugin: the register of decisions, and the SEQUENCE of calendar invitations

Decisions are numbered per body (the task force "TF", a sub-group "SG<id>") and year of their
meeting, in the order of their meetings: the references typed by hand before are replaced by
generated ones ("TF/2026/3"), and the last number of each body and year is kept in
meetings_decision_counter, so that a deleted decision's reference is never given again.
Decisions get a status and are searchable (FTS5 on SQLite, a stored tsvector on PostgreSQL,
as meetings_0006 does for the other tables). Meetings get the iCalendar SEQUENCE their
invitations carry, and remember whether all members (or which delegations) were invited.

Revision ID: meetings_0007
Revises: meetings_0006
Create Date: 2026-12-05
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

revision = "meetings_0007"
down_revision = "meetings_0006"
branch_labels = None
depends_on = None

TABLE = "meetings_decision"
COLUMNS = ("reference", "text")


def local_year(start_at: object, timezone: str) -> int:
    moment = start_at if isinstance(start_at, datetime) else datetime.fromisoformat(str(start_at))
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    try:
        return moment.astimezone(ZoneInfo(timezone)).year
    except (ZoneInfoNotFoundError, ValueError):
        return moment.year


def backfill() -> None:
    """Number the existing decisions in the order their meetings took place."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT d.id, m.start_at, m.timezone, m.owner_kind, m.owner_id "
            "FROM meetings_decision d JOIN meetings_meeting m ON m.id = d.meeting_id "
            "ORDER BY m.start_at, d.id"
        )
    ).all()
    counters: dict[tuple[str, int], int] = {}
    for decision_id, start_at, timezone, owner_kind, owner_id in rows:
        body = f"SG{owner_id}" if owner_kind else "TF"
        year = local_year(start_at, timezone)
        number = counters[body, year] = counters.get((body, year), 0) + 1
        bind.execute(
            sa.text(
                "UPDATE meetings_decision SET body = :body, year = :year, number = :number, "
                "reference = :reference WHERE id = :id"
            ),
            {
                "body": body,
                "year": year,
                "number": number,
                "reference": f"{body}/{year}/{number}",
                "id": decision_id,
            },
        )
    for (body, year), last in counters.items():
        bind.execute(
            sa.text(
                "INSERT INTO meetings_decision_counter (body, year, last_number) "
                "VALUES (:body, :year, :last)"
            ),
            {"body": body, "year": year, "last": last},
        )


def create_full_text() -> None:
    if op.get_bind().dialect.name == "postgresql":
        document = " || ' ' || ".join(f"coalesce({c}, '')" for c in COLUMNS)
        op.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN fts_document tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', {document})) STORED"
        )
        op.execute(f"CREATE INDEX {TABLE}_fts_idx ON {TABLE} USING gin (fts_document)")
        return
    fts, names = f"{TABLE}_fts", ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{TABLE}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {TABLE} BEGIN "  # noqa: S608 - constants
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {TABLE} BEGIN "  # noqa: S608 - constants
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {TABLE} BEGIN "  # noqa: S608 - constants
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608 - constants


def upgrade() -> None:
    # Plain ADD COLUMN: a batch operation would copy meetings_meeting into a new table and
    # lose the triggers that keep its full-text index (meetings_0001) up to date.
    op.add_column(
        "meetings_meeting",
        sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "meetings_meeting",
        sa.Column("all_members_invited", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "meetings_meeting",
        sa.Column("invited_delegations", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("body", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="adopted")
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "meetings_decision_counter",
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("body", "year", name=op.f("pk_meetings_decision_counter")),
    )
    backfill()
    op.execute("UPDATE meetings_decision SET updated_at = created_at")
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.alter_column("body", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("year", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column(
            "updated_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_unique_constraint(
            op.f("uq_meetings_decision_body"), ["body", "year", "number"]
        )
        batch_op.create_index("ix_meetings_decision_year_number", ["year", "number"])
    create_full_text()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN fts_document")
    else:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_fts_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {TABLE}_fts")
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_index("ix_meetings_decision_year_number")
        batch_op.drop_constraint(op.f("uq_meetings_decision_body"), type_="unique")
        for name in ("updated_at", "status", "number", "year", "body"):
            batch_op.drop_column(name)
    op.drop_table("meetings_decision_counter")
    op.drop_column("meetings_meeting", "invited_delegations")
    op.drop_column("meetings_meeting", "all_members_invited")
    op.drop_column("meetings_meeting", "sequence")
