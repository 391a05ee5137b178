"""Personal data in the lessons plugin: what is kept, its export and its erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from intranet.plugin_api import (
    Attachment,
    PersonalDataKind,
    User,
    anonymise_text,
    db,
    discard_attachment,
)

from . import documents
from .models import (
    Editor,
    Endorsement,
    Initiative,
    InitiativeRevision,
    Lesson,
    LessonComment,
    LessonRevision,
)


def personal_data(user: User) -> dict[str, Any]:
    def stamp(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    lessons = db.session.scalars(
        select(Lesson).where(Lesson.author_id == user.id).order_by(Lesson.id)
    ).all()
    comments = db.session.scalars(
        select(LessonComment).where(LessonComment.author_id == user.id).order_by(LessonComment.id)
    ).all()
    endorsements = db.session.scalars(
        select(Endorsement).where(Endorsement.user_id == user.id).order_by(Endorsement.id)
    ).all()
    revisions = db.session.execute(
        select(LessonRevision.lesson_id, LessonRevision.number, LessonRevision.created_at)
        .where(LessonRevision.author_id == user.id)
        .order_by(LessonRevision.id)
    ).all()
    initiatives = db.session.scalars(
        select(Initiative).where(Initiative.author_id == user.id).order_by(Initiative.id)
    ).all()
    initiative_revisions = db.session.execute(
        select(
            InitiativeRevision.initiative_id,
            InitiativeRevision.number,
            InitiativeRevision.created_at,
        )
        .where(InitiativeRevision.author_id == user.id)
        .order_by(InitiativeRevision.id)
    ).all()
    editor = db.session.get(Editor, user.id)
    return {
        "lessons": [
            {
                "id": lesson.id,
                **lesson.snapshot(),
                "created_at": stamp(lesson.created_at),
                "submitted_at": stamp(lesson.submitted_at),
                "published_at": stamp(lesson.published_at),
            }
            for lesson in lessons
        ],
        "comments": [
            {
                "lesson_id": c.lesson_id,
                "kind": c.kind,
                "body": c.body,
                "created_at": stamp(c.created_at),
            }
            for c in comments
        ],
        "endorsements": [
            {"lesson_id": e.lesson_id, "country": e.country_code, "created_at": stamp(e.created_at)}
            for e in endorsements
        ],
        "revisions_written": [
            {"lesson_id": lesson_id, "number": number, "created_at": stamp(at)}
            for lesson_id, number, at in revisions
        ],
        "initiative_revisions_written": [
            {"initiative_id": initiative_id, "number": number, "created_at": stamp(at)}
            for initiative_id, number, at in initiative_revisions
        ],
        "initiatives": [
            {
                "name": i.name,
                "organisation": i.organisation,
                "contact": i.contact,
                "description": i.description,
                "created_at": stamp(i.created_at),
            }
            for i in initiatives
        ],
        "reviewer_since": stamp(editor.added_at) if editor else None,
    }


def personal_data_kinds() -> list[PersonalDataKind]:
    return [
        PersonalDataKind(
            "Lessons, initiatives and their revisions",
            "Lessons learned and initiatives a member writes, every saved revision, and the "
            "contact person named in them.",
            "As long as the task force keeps the lesson; the author is removed when the "
            "account is erased.",
        ),
        PersonalDataKind(
            "Comments and endorsements",
            "Review and discussion comments, and “useful to us” endorsements with the "
            "endorser's country.",
            "Comments as long as the lesson (without author after erasure); endorsements until "
            "the account is erased.",
        ),
        PersonalDataKind(
            "Reviewers",
            "Members designated to review lessons besides the secretariat.",
            "Until the designation is withdrawn or the account is erased.",
        ),
    ]


def erase_personal_data(user: User) -> None:
    """Lessons, comments and initiatives stay (they are the task force's knowledge) without
    their author; an initiative's contact loses the name. Drafts, which nobody else can see,
    go with their documents."""
    is_draft = (Lesson.author_id == user.id) & (Lesson.status == "draft")
    for attachment in db.session.scalars(
        select(Attachment).where(
            Attachment.owner == documents.OWNER,
            Attachment.object_kind == documents.KIND,
            Attachment.object_id.in_(select(Lesson.id).where(is_draft)),
        )
    ).all():
        discard_attachment(attachment)
    db.session.execute(delete(Lesson).where(is_draft))
    for model, column in (
        (Lesson, Lesson.author_id),
        (LessonComment, LessonComment.author_id),
        (LessonRevision, LessonRevision.author_id),
        (InitiativeRevision, InitiativeRevision.author_id),
    ):
        db.session.execute(update(model).where(column == user.id).values(author_id=None))
    db.session.execute(
        update(Initiative).where(Initiative.author_id == user.id).values(author_id=None)
    )
    anonymise_text(Initiative.contact, user)
    db.session.execute(delete(Endorsement).where(Endorsement.user_id == user.id))
    db.session.execute(delete(Editor).where(Editor.user_id == user.id))
