"""lessons plugin: lessons, revisions, comments, endorsements, initiatives, full-text search

Revision ID: lessons_0001
Revises:
Create Date: 2026-11-28 12:15:04.131613

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "lessons_0001"
down_revision = None
branch_labels = ("lessons",)
depends_on = "core_0001"


def upgrade():
    op.create_table(
        "lessons_editor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_lessons_editor_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_lessons_editor")),
    )
    op.create_table(
        "lessons_initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=20), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_lessons_initiative_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_initiative")),
    )
    op.create_table(
        "lessons_lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=20), nullable=False),
        sa.Column("target_group", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("contact_person", sa.String(length=200), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sharing", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_lessons_lesson_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_lesson")),
    )
    with op.batch_alter_table("lessons_lesson", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lessons_lesson_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_lessons_lesson_status_sharing", ["status", "sharing"], unique=False
        )

    op.create_table(
        "lessons_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_lessons_comment_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons_lesson.id"],
            name=op.f("fk_lessons_comment_lesson_id_lessons_lesson"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_comment")),
    )
    with op.batch_alter_table("lessons_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lessons_comment_lesson_id"), ["lesson_id"], unique=False
        )

    op.create_table(
        "lessons_endorsement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons_lesson.id"],
            name=op.f("fk_lessons_endorsement_lesson_id_lessons_lesson"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_lessons_endorsement_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_endorsement")),
        sa.UniqueConstraint("lesson_id", "user_id", name=op.f("uq_lessons_endorsement_lesson_id")),
    )
    op.create_table(
        "lessons_initiative_country",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["lessons_initiative.id"],
            name=op.f("fk_lessons_initiative_country_initiative_id_lessons_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "initiative_id", "code", name=op.f("pk_lessons_initiative_country")
        ),
    )
    op.create_table(
        "lessons_lesson_initiative",
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["lessons_initiative.id"],
            name=op.f("fk_lessons_lesson_initiative_initiative_id_lessons_initiative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons_lesson.id"],
            name=op.f("fk_lessons_lesson_initiative_lesson_id_lessons_lesson"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "lesson_id", "initiative_id", name=op.f("pk_lessons_lesson_initiative")
        ),
    )
    op.create_table(
        "lessons_lesson_term",
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons_lesson.id"],
            name=op.f("fk_lessons_lesson_term_lesson_id_lessons_lesson"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lesson_id", "facet", "value", name=op.f("pk_lessons_lesson_term")),
    )
    with op.batch_alter_table("lessons_lesson_term", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lessons_lesson_term_facet_value", ["facet", "value"], unique=False
        )

    op.create_table(
        "lessons_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_lessons_revision_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons_lesson.id"],
            name=op.f("fk_lessons_revision_lesson_id_lessons_lesson"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_revision")),
        sa.UniqueConstraint("lesson_id", "number", name=op.f("uq_lessons_revision_lesson_id")),
    )
    create_search_index()


def downgrade():
    drop_search_index()
    op.drop_table("lessons_revision")
    with op.batch_alter_table("lessons_lesson_term", schema=None) as batch_op:
        batch_op.drop_index("ix_lessons_lesson_term_facet_value")

    op.drop_table("lessons_lesson_term")
    op.drop_table("lessons_lesson_initiative")
    op.drop_table("lessons_initiative_country")
    op.drop_table("lessons_endorsement")
    with op.batch_alter_table("lessons_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessons_comment_lesson_id"))

    op.drop_table("lessons_comment")
    with op.batch_alter_table("lessons_lesson", schema=None) as batch_op:
        batch_op.drop_index("ix_lessons_lesson_status_sharing")
        batch_op.drop_index(batch_op.f("ix_lessons_lesson_author_id"))

    op.drop_table("lessons_lesson")
    op.drop_table("lessons_initiative")
    op.drop_table("lessons_editor")


# SQLite: an FTS5 table over the lesson's text, kept in step by triggers (external content).
SQLITE_STATEMENTS = [
    """CREATE VIRTUAL TABLE lessons_lesson_fts USING fts5(
        title, summary, context, actions, results, recommendation,
        content='lessons_lesson', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER lessons_lesson_fts_ai AFTER INSERT ON lessons_lesson BEGIN
        INSERT INTO lessons_lesson_fts(rowid, title, summary, context, actions, results, recommendation)
        VALUES (new.id, new.title, new.summary, new.context, new.actions, new.results, new.recommendation);
    END""",
    """CREATE TRIGGER lessons_lesson_fts_ad AFTER DELETE ON lessons_lesson BEGIN
        INSERT INTO lessons_lesson_fts(lessons_lesson_fts, rowid, title, summary, context, actions, results, recommendation)
        VALUES ('delete', old.id, old.title, old.summary, old.context, old.actions, old.results, old.recommendation);
    END""",
    """CREATE TRIGGER lessons_lesson_fts_au AFTER UPDATE ON lessons_lesson BEGIN
        INSERT INTO lessons_lesson_fts(lessons_lesson_fts, rowid, title, summary, context, actions, results, recommendation)
        VALUES ('delete', old.id, old.title, old.summary, old.context, old.actions, old.results, old.recommendation);
        INSERT INTO lessons_lesson_fts(rowid, title, summary, context, actions, results, recommendation)
        VALUES (new.id, new.title, new.summary, new.context, new.actions, new.results, new.recommendation);
    END""",
]

# PostgreSQL: a GIN index over the same weighted tsvector expression the queries use
# (plugins/lessons/search.py, DOCUMENT_VECTOR: keep both identical so the index is used).
PG_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(context, '') || ' ' || coalesce(actions, '') || ' ' "
    "|| coalesce(results, '') || ' ' || coalesce(recommendation, '')), 'C')"
)


def create_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_STATEMENTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            f"CREATE INDEX ix_lessons_lesson_fts ON lessons_lesson USING gin (({PG_VECTOR}))"
        )


def drop_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS lessons_lesson_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_lessons_lesson_fts")
