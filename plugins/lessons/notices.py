"""Who hears about what happens to a lesson; each function is called after the commit.

The actor is never told about their own action; notify() applies each user's preference.
Comments may come by mail (mail_replies), outside any request: paths are built by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_login import current_user
from sqlalchemy import or_, select

from intranet.plugin_api import User, db, notify

from .models import Editor, Lesson, LessonComment

REPLY_KIND = "lessons.lesson"


def lesson_path(lesson: Lesson) -> str:
    return f"/lessons/{lesson.id}"


def reviewers() -> list[User]:
    """The secretariat and the designated editors."""
    return list(
        db.session.scalars(
            select(User).where(or_(User.role == "secretariat", User.id.in_(select(Editor.user_id))))
        )
    )


def _tell(
    users: Iterable[User | None],
    kind: str,
    title: str,
    lesson: Lesson,
    text: str = "",
    *,
    actor: User | None = None,
    reply: bool = False,
) -> None:
    """`reply` makes the mails answerable by mail with a comment on the lesson."""
    actor_id = (actor or current_user).id
    others = [user for user in users if user is not None and user.id != actor_id]
    if others:
        target = f"{REPLY_KIND}:{lesson.id}" if reply else ""
        notify(others, f"lessons.{kind}", title, text, lesson_path(lesson), reply_target=target)


def submitted(lesson: Lesson) -> None:
    _tell(reviewers(), "submitted", f"Lesson to review: {lesson.title}", lesson, lesson.summary)


def change_submitted(lesson: Lesson) -> None:
    _tell(reviewers(), "submitted", f"Change to review: {lesson.title}", lesson, lesson.summary)


def returned(lesson: Lesson, comment: str, what: str = "lesson") -> None:
    """`what` is "lesson", or "change" for a change to a published lesson."""
    title = f"Your {what} was sent back: {lesson.title}"
    _tell([lesson.author], "returned", title, lesson, comment)


def published(lesson: Lesson, what: str = "lesson") -> None:
    verb = "approved" if what == "change" else "published"
    _tell([lesson.author], "published", f"Your {what} was {verb}: {lesson.title}", lesson)


def commented(lesson: Lesson, comment: LessonComment) -> None:
    """A review comment reaches the author and the reviewers; a discussion comment the author
    and everyone who commented on the lesson before."""
    if comment.kind == "review":
        users = [lesson.author, *reviewers()]
        title = f"Review comment on {lesson.title}"
    else:
        users = [
            lesson.author,
            *db.session.scalars(
                select(User)
                .join(LessonComment, LessonComment.author_id == User.id)
                .where(
                    LessonComment.lesson_id == lesson.id,
                    LessonComment.kind == "discussion",
                    LessonComment.id != comment.id,
                )
                .distinct()
            ),
        ]
        title = f"New comment on {lesson.title}"
    _tell(users, "commented", title, lesson, comment.body, actor=comment.author, reply=True)


def endorsed(lesson: Lesson, by: User) -> None:
    _tell(
        [lesson.author], "endorsed", f"{by.name} found your lesson useful: {lesson.title}", lesson
    )
