"""directory: countries, organisations, member profiles, full-text search of members

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-12-01

The member search uses the database's own full-text engine: on SQLite an external-content FTS5
table kept in step with user_account by triggers, on PostgreSQL a GIN expression index over
to_tsvector('simple', ...). The expression must stay identical to MEMBER_TSVECTOR in
intranet/directory_search.py, or PostgreSQL will not use the index.

user_account is altered with plain ALTER TABLE ADD COLUMN, never rebuilt: a SQLite rebuild drops
the table with foreign keys on, which would cascade into the rows that reference it.
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None

COUNTRIES = [
    ("DK", "Denmark", "member"),
    ("EE", "Estonia", "member"),
    ("FI", "Finland", "member"),
    ("DE", "Germany", "member"),
    ("IS", "Iceland", "member"),
    ("LV", "Latvia", "member"),
    ("LT", "Lithuania", "member"),
    ("NO", "Norway", "member"),
    ("PL", "Poland", "member"),
    ("SE", "Sweden", "member"),
    ("EU", "European Union", "eu"),
]

MEMBER_TSVECTOR = (
    "to_tsvector('simple'::regconfig, coalesce(name, '') || ' ' || coalesce(position, '') || ' ' "
    "|| coalesce(expertise, '') || ' ' || coalesce(languages, '') || ' ' "
    "|| coalesce(country_code, ''))"
)
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE member_fts USING fts5(
        name, position, expertise, languages, country_code, content='user_account', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER member_fts_insert AFTER INSERT ON user_account BEGIN
        INSERT INTO member_fts(rowid, name, position, expertise, languages, country_code)
        VALUES (new.id, new.name, new.position, new.expertise, new.languages, new.country_code);
    END""",
    """CREATE TRIGGER member_fts_delete AFTER DELETE ON user_account BEGIN
        INSERT INTO member_fts(member_fts, rowid, name, position, expertise, languages, country_code)
        VALUES ('delete', old.id, old.name, old.position, old.expertise, old.languages,
                old.country_code);
    END""",
    """CREATE TRIGGER member_fts_update
        AFTER UPDATE OF name, position, expertise, languages, country_code ON user_account BEGIN
        INSERT INTO member_fts(member_fts, rowid, name, position, expertise, languages, country_code)
        VALUES ('delete', old.id, old.name, old.position, old.expertise, old.languages,
                old.country_code);
        INSERT INTO member_fts(rowid, name, position, expertise, languages, country_code)
        VALUES (new.id, new.name, new.position, new.expertise, new.languages, new.country_code);
    END""",
    "INSERT INTO member_fts(member_fts) VALUES ('rebuild')",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    country = op.create_table(
        "country",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_country")),
        sa.UniqueConstraint("name", name=op.f("uq_country_name")),
    )
    op.bulk_insert(country, [{"code": c, "name": n, "kind": k} for c, n, k in COUNTRIES])
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("country_code", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["country.code"],
            name=op.f("fk_organisation_country_code_country"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", "country_code", name="uq_organisation_name"),
    )
    op.create_index(
        op.f("ix_organisation_country_code"), "organisation", ["country_code"], unique=False
    )

    for column in [
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("expertise", sa.Text(), nullable=True),
        sa.Column("languages", sa.String(length=200), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("phone_visibility", sa.String(10), server_default="members", nullable=False),
        sa.Column("email_visibility", sa.String(10), server_default="members", nullable=False),
        sa.Column(
            "notification_preference", sa.String(10), server_default="immediate", nullable=False
        ),
    ]:
        op.add_column("user_account", column)
    if dialect == "sqlite":
        op.execute(
            "ALTER TABLE user_account ADD COLUMN organisation_id INTEGER "
            "CONSTRAINT fk_user_account_organisation_id_organisation "
            "REFERENCES organisation (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("user_account", sa.Column("organisation_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_user_account_organisation_id_organisation"),
            "user_account",
            "organisation",
            ["organisation_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(
        op.f("ix_user_account_organisation_id"), "user_account", ["organisation_id"], unique=False
    )

    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            f"CREATE INDEX ix_user_account_fulltext ON user_account USING gin ({MEMBER_TSVECTOR})"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("member_fts_insert", "member_fts_delete", "member_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS member_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_user_account_fulltext")
    op.drop_index(op.f("ix_user_account_organisation_id"), table_name="user_account")
    if dialect != "sqlite":
        op.drop_constraint(
            op.f("fk_user_account_organisation_id_organisation"), "user_account", type_="foreignkey"
        )
    for column in [
        "organisation_id",
        "notification_preference",
        "email_visibility",
        "phone_visibility",
        "bio",
        "languages",
        "expertise",
        "phone",
        "position",
    ]:
        op.drop_column("user_account", column)
    op.drop_index(op.f("ix_organisation_country_code"), table_name="organisation")
    op.drop_table("organisation")
    op.drop_table("country")
