"""What the pages of the lessons plugin share: the lesson a user may act on, redirects,
fragments, the similar-work panel and the warning about narrowly shared documents."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from intranet.plugin_api import ResourceRef, can, db, plural, similar_work, wants_fragment

from .. import documents, rules
from ..models import Lesson
from ..vocab import SHARING


def ref(lesson: Lesson) -> ResourceRef:
    return ResourceRef(rules.LESSON, lesson.id)


def lesson_for(lesson_id: int, action: str = "lessons.view") -> Lesson:
    """The lesson, if the current user may do `action` on it; 404 otherwise (no existence leak)."""
    lesson = db.get_or_404(Lesson, lesson_id)
    if not can(current_user, "lessons.view", ref(lesson)):
        abort(404)
    if action != "lessons.view" and not can(current_user, action, ref(lesson)):
        abort(403)
    return lesson


def see_other(endpoint: str, **values: Any) -> Response:
    return redirect(url_for(endpoint, **values), code=303)


def page_or_fragment(fragment: str, page: str, **context: Any) -> Response:
    """The same URL answers a fragment to htmx and a full page otherwise."""
    response = Response(render_template(fragment if wants_fragment() else page, **context))
    response.vary.add("HX-Request")
    return response


def similar_panel_context(title: str, summary: str, exclude: str = "") -> dict[str, Any]:
    text = f"{title} {summary}".strip()
    items = similar_work(text, current_user, limit=6)
    items = sorted((item for item in items if item.url != exclude), key=lambda item: -item.score)[
        :5
    ]
    return {"similar": items, "similar_text": text}


def warn_about_narrower_documents(lesson: Lesson) -> None:
    narrower = documents.narrower_than_lesson(lesson)
    if narrower:
        names = ", ".join(f"“{attachment.filename}”" for attachment, _ in narrower)
        flash(
            f"This lesson is {SHARING[lesson.sharing].lower()}, but "
            f"{plural(len(narrower), 'document')} {'is' if len(narrower) == 1 else 'are'} "
            f"shared more narrowly and will not be shown to all its readers: {names}.",
            "warning",
        )
