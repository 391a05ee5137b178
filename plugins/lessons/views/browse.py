"""Finding lessons: the faceted list, its exports, the similar-work panel, coverage, widgets."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import (
    Response,
    abort,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    db,
    roles,
    spreadsheet_cell,
)

from .. import rules
from .. import search as finder
from ..coverage import coverage_counts
from ..models import (
    Lesson,
)
from ..vocab import (
    AREAS,
    COUNTRIES,
    LEVELS,
)
from . import bp
from .common import page_or_fragment, similar_panel_context


@bp.get("/")
@roles(*EVERYONE)
def index() -> Response:
    selection = finder.Selection.from_args(request.args)
    results = finder.search(current_user, selection)
    return page_or_fragment(
        "lessons/_results.html", "lessons/index.html", selection=selection, results=results
    )


@bp.get("/export.json", defaults={"fmt": "json"})
@bp.get("/export.csv", defaults={"fmt": "csv"})
@roles(*EVERYONE)
def export(fmt: str) -> Response:
    """The lessons of the current selection (every page of it), as JSON or CSV."""
    selection = finder.Selection.from_args(request.args)
    conditions = selection.conditions(current_user)
    text = finder.text_match(selection.words)
    if text is not None:
        conditions.append(text.condition)
    lessons = db.session.scalars(select(Lesson).where(*conditions).order_by(Lesson.id)).all()
    rows = [export_row(lesson) for lesson in lessons]
    if fmt == "json":
        body = json.dumps({"lessons": rows}, ensure_ascii=False, indent=2)
        return Response(body, mimetype="application/json")
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so spreadsheet programs read the file as UTF-8
    writer = csv.DictWriter(buffer, fieldnames=list(EXPORT_FIELDS))
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: spreadsheet_cell("; ".join(value) if isinstance(value, list) else value)
                for key, value in row.items()
            }
        )
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=lessons.csv"},
    )


EXPORT_FIELDS = (
    "id",
    "url",
    "title",
    "summary",
    "context",
    "actions",
    "results",
    "recommendation",
    "countries",
    "level",
    "area",
    "target_group",
    "forms",
    "organisation",
    "contact_person",
    "start_year",
    "end_year",
    "links",
    "tags",
    "status",
    "sharing",
    "published_at",
)


def export_row(lesson: Lesson) -> dict[str, Any]:
    data = lesson.snapshot()
    data["links"] = lesson.link_list
    data.update(
        id=lesson.id,
        url=url_for("lessons.show", lesson_id=lesson.id, _external=True),
        published_at=lesson.published_at.isoformat() if lesson.published_at else "",
    )
    return {key: data[key] for key in EXPORT_FIELDS}


@bp.get("/similar")
@roles(*MEMBERS)
def similar() -> Response:
    """The "already exists?" panel of the lesson form; a page of its own without JavaScript."""
    context = similar_panel_context(
        request.args.get("title", "")[:200],
        request.args.get("summary", "")[:2000],
        request.args.get("exclude", ""),
    )
    return page_or_fragment("lessons/_similar.html", "lessons/similar.html", **context)


@bp.get("/coverage")
@roles(*MEMBERS)
def coverage() -> str:
    """Countries by area (or level): published lessons and initiatives; empty cells are gaps."""
    by = "level" if request.args.get("by") == "level" else "area"
    columns = LEVELS if by == "level" else AREAS
    counts = coverage_counts(by)
    rows = [
        (
            code,
            name,
            [
                (
                    value,
                    counts.lessons.get((code, value), 0),
                    counts.initiatives.get((code, value), 0),
                )
                for value in columns
            ],
        )
        for code, name in COUNTRIES.items()
    ]
    gaps = sum(1 for _, _, cells in rows for _, lessons, inits in cells if not lessons + inits)
    return render_template("lessons/coverage.html", by=by, columns=columns, rows=rows, gaps=gaps)


# --- dashboard widgets ---------------------------------------------------------------------


@bp.get("/widgets/recent")
@roles(*EVERYONE)
def recent_widget() -> Response:
    lessons = db.session.scalars(
        select(Lesson)
        .where(rules.published_for(current_user), rules.DATED)
        .order_by(*rules.NEWEST_PUBLISHED)
        .limit(5)
    ).all()
    return page_or_fragment(
        "lessons/_widget_recent.html",
        "dashboard/widget_page.html",
        body="lessons/_widget_recent.html",
        title="Recently published lessons",
        lessons=lessons,
    )


REVIEW_PAGE_SIZE = 10


@bp.get("/widgets/review")
@roles(*MEMBERS)
def review_widget() -> Response:
    if not rules.is_reviewer(current_user):
        abort(403)
    lessons = db.paginate(
        select(Lesson).where(rules.awaiting_review()).order_by(Lesson.submitted_at, Lesson.id),
        page=request.args.get("page", 1, type=int),
        per_page=REVIEW_PAGE_SIZE,
        error_out=False,
    )
    return page_or_fragment(
        "lessons/_widget_review.html",
        "dashboard/widget_page.html",
        body="lessons/_widget_review.html",
        title="Lessons awaiting review",
        lessons=lessons,
    )
