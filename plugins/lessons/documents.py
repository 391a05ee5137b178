"""Documents attached to lessons (core attachments), each with a sharing level of its own.

A document is shared at most as widely as its own level says and never wider than its lesson:
guests get documents shared with partners or the public, anonymous readers only public
documents of public published lessons (through the plugin's own public route, since the core's
download route needs a login).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import has_request_context, request
from sqlalchemy import func, select

from intranet.plugin_api import Attachment, ResourceRef, can, db

from .models import AttachmentShare, Lesson

OWNER = "lessons"
KIND = "lessons.lesson"
RANK = {"taskforce": 0, "partners": 1, "public": 2}
SHARE = func.coalesce(AttachmentShare.sharing, "taskforce")


def levels_for(user: Any) -> tuple[str, ...]:
    """The document sharing levels `user` may see on a lesson they may view."""
    if user is None or not user.is_authenticated:
        return ("public",)
    if user.is_guest:
        return ("partners", "public")
    return tuple(RANK)


def documents(lesson_ids: Iterable[int], levels: Iterable[str]) -> dict[int, list[Any]]:
    """{lesson id: [(attachment, sharing)]} of the given levels, oldest first; one query."""
    ids = list(lesson_ids)
    found: dict[int, list[Any]] = {lesson_id: [] for lesson_id in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(Attachment, SHARE)
        .outerjoin(AttachmentShare, AttachmentShare.attachment_id == Attachment.id)
        .where(
            Attachment.owner == OWNER,
            Attachment.object_kind == KIND,
            Attachment.object_id.in_(ids),
            SHARE.in_(list(levels)),
        )
        .order_by(Attachment.created_at, Attachment.id)
    )
    for attachment, sharing in rows:
        found[attachment.object_id].append((attachment, sharing))
    return found


def of_lesson(lesson: Lesson, levels: Iterable[str] = tuple(RANK)) -> list[Any]:
    return documents([lesson.id], levels)[lesson.id]


def narrower_than_lesson(lesson: Lesson) -> list[Any]:
    """(attachment, sharing) shared more narrowly than the lesson: readers of it will miss them."""
    return [
        (attachment, sharing)
        for attachment, sharing in of_lesson(lesson)
        if RANK[sharing] < RANK.get(lesson.sharing, 0)
    ]


def find(lesson: Lesson, attachment_id: int) -> Any:
    """(attachment, sharing) of this lesson, or None."""
    return next((row for row in of_lesson(lesson) if row[0].id == attachment_id), None)


def _requested_attachment(lesson_id: int) -> Attachment | None:
    """The attachment the core's download route is serving, if it belongs to this lesson."""
    if not has_request_context() or request.endpoint != "attachments.download":
        return None
    attachment = db.session.get(Attachment, (request.view_args or {}).get("attachment_id", 0))
    if attachment is None or attachment.owner != OWNER or attachment.object_id != lesson_id:
        return None
    return attachment


def may_download(user: Any, lesson_ref: ResourceRef) -> bool:
    """The answer to "lessons.view_attachment": who may view the lesson, narrowed by the
    document's own level (guests never get task-force-only documents, even of a lesson they
    were granted). An attachment that cannot be told counts as task force only."""
    if not can(user, "lessons.view", lesson_ref):
        return False
    if not user.is_guest:
        return True
    attachment = _requested_attachment(lesson_ref.id)
    if attachment is None:
        return False
    share = db.session.get(AttachmentShare, attachment.id)
    return share is not None and share.sharing in levels_for(user)
