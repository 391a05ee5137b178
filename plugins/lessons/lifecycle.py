"""The life of a lesson: saved as a draft, submitted, reviewed, published, changed after review;
and the revisions every edit of an initiative leaves.

A published lesson's row is what its readers see (the page, /lessons/public, the feed, search
and the exports all read it). An edit of a published lesson does not touch it: the edit is kept
as a revision that waits for a reviewer (`Lesson.pending_revision`), and only an approval
copies it into the row. Who may do which step is the rules' business (rules.py); here each step
checks only that the lesson is in a state it may start from.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from intranet.plugin_api import User, db, utcnow

from .forms import LessonForm, tag_list
from .models import Initiative, InitiativeRevision, Lesson, LessonComment, LessonRevision

SINGLE_VALUED = (
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
)
INITIATIVES = "initiative_ids"  # kept in a waiting revision, so that approving can link them


class WrongState(Exception):
    """The step cannot start from the state the lesson is in."""


def form_values(form: LessonForm) -> dict[str, Any]:
    """What the form says, shaped like a revision's snapshot."""
    values: dict[str, Any] = {
        name: getattr(form, name).data or ("" if name != "end_year" else None)
        for name in SINGLE_VALUED
    }
    values["title"] = values["title"].strip()
    values["countries"] = sorted(set(form.countries.data))
    values["forms"] = sorted(set(form.forms.data or []))
    values["tags"] = sorted(set(tag_list(form.tags.data or "")))
    values[INITIATIVES] = sorted(set(form.initiatives.data or []))
    return values


def form_data(lesson: Lesson) -> dict[str, Any]:
    """What the edit form starts from: a change waiting for review, else the lesson."""
    change = pending(lesson)
    values = (
        change.snapshot
        if change is not None
        else {**lesson.snapshot(), INITIATIVES: [item.id for item in lesson.initiatives]}
    )
    return {
        **{name: values.get(name) for name in SINGLE_VALUED},
        "countries": values.get("countries", []),
        "forms": values.get("forms", []),
        "tags": ", ".join(values.get("tags", [])),
        "initiatives": values.get(INITIATIVES, []),
    }


def apply(lesson: Lesson, values: dict[str, Any]) -> None:
    """Make the lesson's row say what `values` says."""
    for name in SINGLE_VALUED:
        setattr(lesson, name, values[name])
    lesson.set_values("country", values["countries"])
    lesson.set_values("form", values["forms"])
    lesson.set_values("tag", values["tags"])
    wanted = values.get(INITIATIVES, [])
    lesson.initiatives = (
        db.session.scalars(select(Initiative).where(Initiative.id.in_(wanted))).all()
        if wanted
        else []
    )
    lesson.updated_at = utcnow()


def add_revision(lesson: Lesson, author: User, snapshot: dict[str, Any]) -> LessonRevision:
    db.session.add(lesson)
    db.session.flush()
    number = (
        db.session.scalar(
            select(func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson.id)
        )
        or 0
    ) + 1
    revision = LessonRevision(lesson_id=lesson.id, number=number, author_id=author.id)
    revision.snapshot = snapshot
    db.session.add(revision)
    return revision


def save(lesson: Lesson, form: LessonForm, author: User) -> bool:
    """Keep the form as a new revision. A lesson not yet published takes it at once; for a
    published one it waits for review (True), replacing any change that waited before."""
    values = form_values(form)
    if lesson.status == "published":
        revision = add_revision(lesson, author, {**lesson.snapshot(), **values})
        lesson.pending_revision = revision.number
        return True
    apply(lesson, values)
    db.session.flush()
    add_revision(lesson, author, {**lesson.snapshot(), INITIATIVES: values[INITIATIVES]})
    return False


def submit(lesson: Lesson) -> None:
    """A draft (new, or sent back) goes to the reviewers."""
    if lesson.status != "draft":
        raise WrongState(lesson.status)
    lesson.status = "submitted"
    lesson.submitted_at = utcnow()


def awaits_review(lesson: Lesson) -> bool:
    return lesson.status == "submitted" or (
        lesson.status == "published" and lesson.pending_revision is not None
    )


def pending(lesson: Lesson) -> LessonRevision | None:
    """The change of a published lesson that waits for review."""
    if lesson.status != "published" or lesson.pending_revision is None:
        return None
    return db.session.scalar(
        select(LessonRevision).where(
            LessonRevision.lesson_id == lesson.id,
            LessonRevision.number == lesson.pending_revision,
        )
    )


def decide(lesson: Lesson, decision: str, reviewer: User, note: str) -> None:
    """A reviewer publishes ("publish") or sends back ("return") a submitted lesson, or the
    change waiting on a published one; `note` becomes a review comment."""
    if not awaits_review(lesson):
        raise WrongState(lesson.status)
    if note:
        db.session.add(
            LessonComment(lesson_id=lesson.id, author_id=reviewer.id, kind="review", body=note)
        )
    change = pending(lesson)
    if change is not None:
        if decision == "publish":
            apply(lesson, change.snapshot)
            lesson.published_revision = change.number
        lesson.pending_revision = None
    elif decision == "publish":
        lesson.status = "published"
        lesson.published_at = lesson.published_at or utcnow()
        lesson.published_revision = db.session.scalar(
            select(func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson.id)
        )
    else:
        lesson.status = "draft"


def keep_initiative_revision(initiative: Initiative, author: User) -> None:
    """Who changed the initiative and when, with what it says now."""
    db.session.flush()
    number = (
        db.session.scalar(
            select(func.max(InitiativeRevision.number)).where(
                InitiativeRevision.initiative_id == initiative.id
            )
        )
        or 0
    ) + 1
    db.session.add(
        InitiativeRevision(
            initiative_id=initiative.id,
            number=number,
            author_id=author.id,
            snapshot=initiative.snapshot(),
        )
    )
