"""Domain operations on lessons, used by the pages and the hooks alike."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import func, select

from intranet.plugin_api import (
    db,
    utcnow,
)

from .forms import (
    LessonForm,
    tag_list,
)
from .models import (
    Initiative,
    Lesson,
    LessonRevision,
)


def save_lesson(lesson: Lesson, form: LessonForm) -> None:
    """Copy the form into the lesson and keep a full snapshot as a new revision."""
    for name in (
        "title",
        "summary",
        "context",
        "actions",
        "results",
        "recommendation",
        "level",
        "area",
        "target_group",
        "organisation",
        "contact_person",
        "start_year",
        "end_year",
        "links",
        "sharing",
    ):
        setattr(lesson, name, getattr(form, name).data or ("" if name != "end_year" else None))
    lesson.title = lesson.title.strip()
    lesson.set_values("country", form.countries.data)
    lesson.set_values("form", form.forms.data or [])
    lesson.set_values("tag", tag_list(form.tags.data or ""))
    wanted = set(form.initiatives.data or [])
    lesson.initiatives = (
        db.session.scalars(select(Initiative).where(Initiative.id.in_(wanted))).all()
        if wanted
        else []
    )
    lesson.updated_at = utcnow()
    db.session.add(lesson)
    db.session.flush()
    number = (
        db.session.scalar(
            select(func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson.id)
        )
        or 0
    ) + 1
    db.session.add(
        LessonRevision(
            lesson_id=lesson.id,
            number=number,
            author_id=current_user.id,
            snapshot=lesson.snapshot(),
        )
    )
