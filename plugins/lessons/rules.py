"""Who may do what with a lesson: the permission answers and the list filters of the plugin.

The pages, the permission hook and the other plugins all ask these rules, so they never
disagree about who sees a draft, a submitted lesson or a lesson shared with partners.
"""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import ColumnElement, and_, or_, select

from intranet.plugin_api import ResourceRef, User, can, db

from . import documents
from .models import Editor, Lesson

LESSON = "lessons.lesson"
GRANT_CANDIDATES = 500


def is_reviewer(user: Any) -> bool:
    """Secretariat, admins and designated editors review lessons (cached per request)."""
    if user is None or not user.is_authenticated or user.is_guest:
        return False
    if user.is_staff:
        return True
    if "lessons_reviewer" not in g:
        g.lessons_reviewer = db.session.get(Editor, user.id) is not None
    return g.lessons_reviewer


def visible_to(user: Any) -> ColumnElement[bool]:
    """The lessons `user` may list; the same rule as the permission hook, as one SQL clause."""
    published = Lesson.status == "published"
    if user is None or not user.is_authenticated:
        return and_(published, Lesson.sharing == "public")
    if user.is_guest:
        shared = and_(published, Lesson.sharing.in_(("partners", "public")))
        granted = granted_lesson_ids(user)
        return or_(shared, Lesson.id.in_(granted)) if granted else shared
    if is_reviewer(user):
        return or_(Lesson.status != "draft", Lesson.author_id == user.id)
    return or_(published, Lesson.author_id == user.id)


def published_for(user: Any) -> ColumnElement[bool]:
    """The published lessons `user` may list. Members see every published lesson, so only
    visitors and guests need the sharing rule, and nobody's reviewer role is looked up."""
    if user is None or not user.is_authenticated or user.is_guest:
        return visible_to(user)  # published ones only, for them
    return Lesson.status == "published"


def granted_lesson_ids(user: User) -> list[int]:
    """Published task-force lessons a guest may view all the same: granted one by one by
    another plugin (partners), whose True vote in the permission hook lets them in.

    No plugin lists its grants, so the candidates (the newest GRANT_CANDIDATES published
    lessons a guest does not see by their sharing level) are loaded in one query and can() is
    asked for each; the permission hooks answer from the loaded lessons and per-request caches.
    Computed once per request.
    """
    cache = g.setdefault("lessons_granted", {})
    if user.id not in cache:
        candidates = db.session.scalars(
            select(Lesson)
            .where(Lesson.status == "published", Lesson.sharing == "taskforce")
            .order_by(Lesson.published_at.desc(), Lesson.id.desc())
            .limit(GRANT_CANDIDATES)
        ).all()
        cache[user.id] = [
            lesson.id
            for lesson in candidates
            if can(user, "lessons.view", ResourceRef(LESSON, lesson.id))
        ]
    return cache[user.id]


def permission(user: User, action: str, resource: ResourceRef | None) -> bool | None:
    """Drafts stay with their author and the reviewers; guests see what is shared with partners.

    Answers only for lessons; abstains on published lessons for members (the role default
    lets them in) and on lessons not shared with partners for guests (default deny, which
    the partners plugin may override for a single lesson). Documents follow the lesson,
    narrowed by their own sharing level.
    """
    if resource is None or resource.kind != LESSON or not action.startswith("lessons."):
        return None
    if action == "lessons.view_attachment":
        return documents.may_download(user, resource)
    lesson = db.session.get(Lesson, resource.id)
    if lesson is None:
        return None
    author = lesson.author_id == user.id
    reviewer = is_reviewer(user)
    if action == "lessons.view":
        if lesson.status != "published":
            return bool(author or reviewer)
        if user.is_guest and lesson.sharing in ("partners", "public"):
            return True
        return None
    if action == "lessons.edit":
        return not user.is_guest and (author or reviewer)
    if action == "lessons.review":
        return reviewer and lesson.status == "submitted"
    return None
