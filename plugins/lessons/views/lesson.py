"""One lesson: reading, writing, submitting, reviewing, discussing, endorsing."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select, true
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    can,
    db,
    record_audit,
    render_form,
    roles,
)

from .. import documents, lifecycle, notices
from ..forms import (
    CommentForm,
    LessonForm,
)
from ..models import (
    Endorsement,
    Initiative,
    Lesson,
    LessonComment,
)
from . import bp
from .common import (
    lesson_for,
    ref,
    see_other,
    similar_panel_context,
)


@bp.get("/<int:lesson_id>")
@roles(*EVERYONE)
def show(lesson_id: int) -> str:
    lesson = lesson_for(lesson_id)
    may_see_review = can(current_user, "lessons.history", ref(lesson))
    comments = db.session.scalars(
        select(LessonComment)
        .where(
            LessonComment.lesson_id == lesson.id,
            true() if may_see_review else LessonComment.kind != "review",
        )
        .order_by(LessonComment.created_at)
    ).all()
    endorsements = db.session.scalars(
        select(Endorsement).where(Endorsement.lesson_id == lesson.id).order_by(Endorsement.id)
    ).all()
    return render_template(
        "lessons/show.html",
        lesson=lesson,
        comments=comments,
        endorsements=endorsements,
        endorsed=any(e.user_id == current_user.id for e in endorsements),
        may_edit=can(current_user, "lessons.edit", ref(lesson)),
        may_review=can(current_user, "lessons.review", ref(lesson)),
        may_see_review=may_see_review,
        change=lifecycle.pending(lesson) if may_see_review else None,
        comment_form=CommentForm(),
        documents=documents.of_lesson(lesson, documents.levels_for(current_user)),
        narrower=documents.narrower_than_lesson(lesson),
    )


def initiative_choices(form: LessonForm) -> None:
    form.initiatives.choices = [
        SelectChoice(row.id, row.name)
        for row in db.session.execute(
            select(Initiative.id, Initiative.name).order_by(Initiative.name)
        )
    ]


@bp.route("/new", methods=["GET", "POST"])
@roles(*MEMBERS)
def create() -> Any:
    form = LessonForm()
    initiative_choices(form)
    if form.validate_on_submit():
        lesson = Lesson(author_id=current_user.id, status="draft")
        lifecycle.save(lesson, form, current_user)
        record_audit("lessons.created", target=f"lesson:{lesson.id}")
        db.session.commit()
        flash("Lesson saved as a draft. Submit it for review when it is ready.", "success")
        return see_other("lessons.show", lesson_id=lesson.id)
    return render_form(
        "lessons/form.html",
        form,
        lesson=None,
        **similar_panel_context(form.title.data or "", form.summary.data or ""),
    )


@bp.route("/<int:lesson_id>/edit", methods=["GET", "POST"])
@roles(*EVERYONE)
def edit(lesson_id: int) -> Any:
    lesson = lesson_for(lesson_id, "lessons.edit")
    # On POST the submitted form is the whole lesson: a field left out is empty, not the
    # stored value. A GET starts from the change waiting for review, if there is one.
    form = LessonForm(data=None if request.method == "POST" else lifecycle.form_data(lesson))
    initiative_choices(form)
    if form.validate_on_submit():
        waits = lifecycle.save(lesson, form, current_user)
        record_audit("lessons.edited", target=f"lesson:{lesson.id}")
        db.session.commit()
        if waits:
            notices.change_submitted(lesson)
            flash(
                "Your change waits for review: readers see the published lesson until a "
                "reviewer approves it.",
                "success",
            )
        else:
            flash("Changes saved.", "success")
        return see_other("lessons.show", lesson_id=lesson.id)
    own_url = url_for("lessons.show", lesson_id=lesson.id)
    return render_form(
        "lessons/form.html",
        form,
        lesson=lesson,
        **similar_panel_context(form.title.data or "", form.summary.data or "", own_url),
    )


@bp.post("/<int:lesson_id>/comments")
@roles(*EVERYONE)
def comment(lesson_id: int) -> Any:
    """A review comment while the lesson is a draft, a discussion comment once published."""
    lesson = lesson_for(lesson_id)
    published = lesson.status == "published"
    if not published and not can(current_user, "lessons.edit", ref(lesson)):
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        flash("Write a comment before sending it.", "error")
        return see_other("lessons.show", lesson_id=lesson.id)
    comment = LessonComment(
        lesson_id=lesson.id,
        author_id=current_user.id,
        kind="discussion" if published else "review",
        body=form.body.data.strip(),
    )
    db.session.add(comment)
    db.session.commit()
    notices.commented(lesson, comment)
    return redirect(url_for("lessons.show", lesson_id=lesson.id) + "#comments", code=303)


@bp.post("/<int:lesson_id>/endorse")
@roles(*EVERYONE)
def endorse(lesson_id: int) -> Response:
    """Toggle "this was useful to us" for the current user (one per user and lesson)."""
    lesson = lesson_for(lesson_id)
    if lesson.status != "published":
        abort(404)
    existing = db.session.scalar(
        select(Endorsement).where(
            Endorsement.lesson_id == lesson.id, Endorsement.user_id == current_user.id
        )
    )
    if existing:
        db.session.delete(existing)
    else:
        db.session.add(
            Endorsement(
                lesson_id=lesson.id,
                user_id=current_user.id,
                country_code=current_user.country_code,
            )
        )
    try:
        db.session.commit()
    except IntegrityError:  # a double click from two tabs: one endorsement is kept
        db.session.rollback()
    else:
        if not existing:
            notices.endorsed(lesson, current_user)
    return redirect(url_for("lessons.show", lesson_id=lesson.id) + "#endorsements", code=303)
