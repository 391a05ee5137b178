"""lessons_0006: published lessons learn which revision is published; initiatives get a
revision table. Run on SQLite and on PostgreSQL (INTRANET_TEST_DATABASE_URL)."""

from __future__ import annotations

from sqlalchemy import inspect, select

from intranet.extensions import db
from intranet.platform import schema
from intranet_lessons.models import Lesson, LessonRevision


def test_upgrading_marks_the_published_revision_and_adds_initiative_revisions(
    app, member, make_lesson
):
    published = make_lesson(member, "Published")
    db.session.add(
        LessonRevision(lesson_id=published.id, number=2, author_id=member.id, snapshot={})
    )
    draft = make_lesson(member, "Draft", status="draft")
    db.session.commit()
    ids = (published.id, draft.id)
    db.session.remove()

    schema.downgrade("lessons_0005")
    assert "lessons_initiative_revision" not in inspect(db.engine).get_table_names()
    schema.upgrade()

    rows = db.session.execute(
        select(Lesson.id, Lesson.published_revision).where(Lesson.id.in_(ids))
    ).all()
    found = {lesson_id: number for lesson_id, number in rows}
    assert found == {published.id: 2, draft.id: None}
    assert "lessons_initiative_revision" in inspect(db.engine).get_table_names()
