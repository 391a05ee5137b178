"""The steps of a lesson's review: submitting it, and a reviewer's decision on it or on a
change to a published lesson (never the reviewer's own: four eyes)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash
from flask_login import current_user

from intranet.plugin_api import EVERYONE, MEMBERS, can, db, record_audit, render_form, roles

from .. import documents, lifecycle, notices
from ..forms import ReviewForm
from . import bp
from .common import lesson_for, ref, see_other, warn_about_narrower_documents
from .revisions import change_lines


@bp.post("/<int:lesson_id>/submit")
@roles(*EVERYONE)
def submit(lesson_id: int) -> Response:
    lesson = lesson_for(lesson_id, "lessons.edit")
    try:
        lifecycle.submit(lesson)
    except lifecycle.WrongState:
        abort(409)
    record_audit("lessons.submitted", target=f"lesson:{lesson.id}")
    db.session.commit()
    notices.submitted(lesson)
    flash("Submitted for review. The secretariat will publish it or come back to you.")
    return see_other("lessons.show", lesson_id=lesson.id)


@bp.route("/<int:lesson_id>/review", methods=["GET", "POST"])
@roles(*MEMBERS)
def review(lesson_id: int) -> Any:
    """Reviewers see what waits; only one who wrote neither the lesson nor the change decides."""
    lesson = lesson_for(lesson_id, "lessons.review")
    may_decide = can(current_user, "lessons.approve", ref(lesson))
    change = lifecycle.pending(lesson)
    form = ReviewForm()
    if form.is_submitted() and not may_decide:
        abort(403)
    if form.validate_on_submit():
        decision = form.decision.data
        note = (form.comment.data or "").strip()
        lifecycle.decide(lesson, decision, current_user, note)
        kind = "change" if change is not None else "lesson"
        record_audit(f"lessons.review.{decision}", target=f"lesson:{lesson.id}")
        db.session.commit()
        if decision == "publish":
            flash("Change approved." if change else "Lesson published.", "success")
            warn_about_narrower_documents(lesson)
            notices.published(lesson, kind)
        else:
            flash(f"The {kind} was sent back to its author with your comment.", "success")
            notices.returned(lesson, note, kind)
        return see_other("lessons.show", lesson_id=lesson.id)
    return render_form(
        "lessons/review.html",
        form,
        lesson=lesson,
        may_decide=may_decide,
        change=change,
        lines=change_lines(lesson, change) if change else None,
        narrower=documents.narrower_than_lesson(lesson),
    )
