"""The history of a lesson's revisions and the differences between two of them."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from flask import (
    abort,
    render_template,
    request,
)
from sqlalchemy import select

from intranet.plugin_api import (
    EVERYONE,
    db,
    roles,
)

from ..lifecycle import INITIATIVES
from ..models import Lesson, LessonRevision
from . import bp
from .common import lesson_for


def snapshot_lines(snapshot: dict[str, Any]) -> list[str]:
    """A revision as readable lines, one section per field, for difflib."""
    lines: list[str] = []
    for key, value in snapshot.items():
        if key == INITIATIVES:
            continue
        lines.append(f"## {key.replace('_', ' ').capitalize()}")
        if isinstance(value, list):
            lines.append(", ".join(value))
        else:
            lines.extend(str(value if value is not None else "").splitlines() or [""])
    return lines


def diff_lines(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, text) lines of a unified diff; kind is "add", "del", "hunk" or "same"."""
    kinds = {"+": "add", "-": "del", "@": "hunk", " ": "same"}
    return [
        (kinds.get(line[:1], "same"), line)
        for line in list(
            difflib.unified_diff(snapshot_lines(old), snapshot_lines(new), n=1, lineterm="")
        )[2:]
    ]


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    if old is None:
        return ["created"]
    return [key.replace("_", " ") for key in new if key != INITIATIVES and old.get(key) != new[key]]


def newest_first(revisions: Sequence[Any]) -> list[tuple[Any, list[str]]]:
    """(revision, the fields it changed) for revisions given oldest first, newest first."""
    return [
        (revision, changed_fields(revisions[i - 1].snapshot if i else None, revision.snapshot))
        for i, revision in enumerate(revisions)
    ][::-1]


def change_lines(lesson: Lesson, change: LessonRevision) -> list[tuple[str, str]]:
    """The diff from what readers see to a change that waits for review."""
    return diff_lines(lesson.snapshot(), change.snapshot)


@bp.get("/<int:lesson_id>/history")
@roles(*EVERYONE)
def history(lesson_id: int) -> str:
    lesson = lesson_for(lesson_id, "lessons.history")
    revisions = db.session.scalars(
        select(LessonRevision)
        .where(LessonRevision.lesson_id == lesson.id)
        .order_by(LessonRevision.number)
    ).all()
    return render_template("lessons/history.html", lesson=lesson, entries=newest_first(revisions))


@bp.get("/<int:lesson_id>/diff")
@roles(*EVERYONE)
def diff(lesson_id: int) -> str:
    lesson = lesson_for(lesson_id, "lessons.history")
    numbers = [request.args.get("from", type=int), request.args.get("to", type=int)]
    revisions = {
        r.number: r
        for r in db.session.scalars(
            select(LessonRevision).where(
                LessonRevision.lesson_id == lesson.id, LessonRevision.number.in_(numbers)
            )
        )
    }
    if None in numbers or len(revisions) != len(set(numbers)):
        abort(404)
    old, new = revisions[numbers[0]], revisions[numbers[1]]
    return render_template(
        "lessons/diff.html",
        lesson=lesson,
        old=old,
        new=new,
        lines=diff_lines(old.snapshot, new.snapshot),
    )
