"""How the lessons plugin's audit events read, and the names of the objects they refer to."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from intranet.plugin_api import AuditKind, AuditTarget, audit_ref_ids, db

from .models import Initiative, Lesson
from .rules import INITIATIVE, LESSON

K = AuditKind

AUDIT_KINDS = [
    K("lessons.created", "Lesson drafted", "{actor} drafted the lesson {target}"),
    K("lessons.edited", "Lesson edited", "{actor} edited the lesson {target}"),
    K("lessons.submitted", "Lesson submitted", "{actor} submitted the lesson {target} for review"),
    K("lessons.review.publish", "Lesson published", "{actor} published the lesson {target}"),
    K(
        "lessons.review.return",
        "Lesson sent back",
        "{actor} sent the lesson {target} back to its author",
    ),
    K("lessons.document.added", "Lesson document added", "{actor} added a document to {target}"),
    K(
        "lessons.document.shared",
        "Lesson document shared",
        "{actor} changed who may read a document of {target}",
    ),
    K(
        "lessons.document.removed",
        "Lesson document removed",
        "{actor} removed a document from {target}",
    ),
    K("lessons.initiative.saved", "Initiative saved", "{actor} saved the initiative {target}"),
    K("lessons.editor.added", "Lesson editor added", "{actor} made {target} a lesson editor"),
    K(
        "lessons.editor.removed",
        "Lesson editor removed",
        "{actor} removed {target} from the lesson editors",
    ),
]


def audit_targets(refs: list[str]) -> dict[str, AuditTarget]:
    """Lessons and initiatives among `refs` (also as the guest grants name them)."""
    found: dict[str, AuditTarget] = {}
    if ids := set(audit_ref_ids(refs, "lesson") + audit_ref_ids(refs, LESSON)):
        for lesson in db.session.scalars(select(Lesson).where(Lesson.id.in_(ids))):
            target = AuditTarget(f"“{lesson.title}”", url_for("lessons.show", lesson_id=lesson.id))
            found[f"lesson:{lesson.id}"] = found[f"{LESSON}:{lesson.id}"] = target
    if ids := set(audit_ref_ids(refs, "initiative") + audit_ref_ids(refs, INITIATIVE)):
        for item in db.session.scalars(select(Initiative).where(Initiative.id.in_(ids))):
            target = AuditTarget(
                f"“{item.name}”", url_for("lessons.initiative", initiative_id=item.id)
            )
            found[f"initiative:{item.id}"] = found[f"{INITIATIVE}:{item.id}"] = target
    return found
