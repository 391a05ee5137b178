"""A reply by mail to a comment notification becomes a comment, as if typed in the browser."""

from __future__ import annotations

from intranet.plugin_api import (
    MailAttachment,
    MailReplyResult,
    ResourceRef,
    User,
    can,
    db,
    refuse_reply_text,
)

from . import notices, rules
from .models import Lesson, LessonComment

MAX_LENGTH = 5000  # as CommentForm


def post_by_mail(
    target: str, user: User, text: str, attachments: list[MailAttachment] = ()
) -> MailReplyResult | None:
    """Comment on the lesson `target` names with the browser's checks and notices: a
    discussion comment on a published lesson, a review comment on a draft the user may edit.
    Files are refused: a comment carries none in the browser either."""
    kind, _, number = target.partition(":")
    if kind != notices.REPLY_KIND:
        return None
    lesson = db.session.get(Lesson, int(number)) if number.isdigit() else None
    resource = ResourceRef(rules.LESSON, lesson.id) if lesson is not None else None
    if lesson is None or not can(user, "lessons.view", resource):
        return MailReplyResult(refusal="The lesson you answered is no longer open to you.")
    published = lesson.status == "published"
    if not published and not can(user, "lessons.edit", resource):
        return MailReplyResult(refusal=f"You can no longer comment on “{lesson.title}”.")
    body = text.strip()
    refusal = refuse_reply_text(body, MAX_LENGTH)
    if refusal is not None:
        return refusal
    if attachments:
        return MailReplyResult(
            refusal="Comments on a lesson cannot carry files; add them to the lesson instead."
        )
    comment = LessonComment(
        lesson_id=lesson.id,
        author_id=user.id,
        kind="discussion" if published else "review",
        body=body,
    )
    db.session.add(comment)
    db.session.commit()
    notices.commented(lesson, comment)
    return MailReplyResult(url=f"{notices.lesson_path(lesson)}#comments")
