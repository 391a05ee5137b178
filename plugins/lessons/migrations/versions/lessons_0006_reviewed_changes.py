"""lessons plugin: changes to published lessons wait for review; initiatives keep revisions

A published lesson's row keeps the text readers see; an edit waits as `pending_revision`
until a reviewer approves it, and `published_revision` names the revision that is published
(for published lessons already there: their latest revision). Every edit of an initiative is
kept in `lessons_initiative_revision` with who and when; its history starts with this upgrade.

Revision ID: lessons_0006
Revises: lessons_0005
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "lessons_0006"
down_revision = "lessons_0005"
branch_labels = None
depends_on = None


def upgrade():
    # plain ALTER TABLE, so that SQLite keeps the table (and its full-text triggers)
    op.add_column("lessons_lesson", sa.Column("pending_revision", sa.Integer(), nullable=True))
    op.add_column("lessons_lesson", sa.Column("published_revision", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE lessons_lesson SET published_revision = (SELECT max(number) FROM"
        " lessons_revision WHERE lessons_revision.lesson_id = lessons_lesson.id)"
        " WHERE status = 'published'"
    )
    op.create_table(
        "lessons_initiative_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_lessons_initiative_revision_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["lessons_initiative.id"],
            name=op.f("fk_lessons_initiative_revision_initiative_id_lessons_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons_initiative_revision")),
        sa.UniqueConstraint(
            "initiative_id", "number", name=op.f("uq_lessons_initiative_revision_initiative_id")
        ),
    )


def downgrade():
    op.drop_table("lessons_initiative_revision")
    op.drop_column("lessons_lesson", "published_revision")
    op.drop_column("lessons_lesson", "pending_revision")
