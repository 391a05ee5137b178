"""What anyone may read without signing in: public lessons, their documents, the feed."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    render_template,
    request,
)
from sqlalchemy import Select, select

from intranet.plugin_api import (
    attachment_response,
    db,
    public,
    utcnow,
)

from .. import coverage, documents, rules, tally
from ..models import (
    Lesson,
)
from . import bp

PUBLIC_PAGE_SIZE = 20


def public_query() -> Select[tuple[Lesson]]:
    return (
        select(Lesson)
        .where(Lesson.status == "published", Lesson.sharing == "public", rules.DATED)
        .order_by(*rules.NEWEST_PUBLISHED)
    )


def public_lessons(limit: int) -> list[Lesson]:
    return list(db.session.scalars(public_query().limit(limit)))


@bp.get("/public")
@public
def public_index() -> str:
    lessons = db.paginate(
        public_query(),
        page=request.args.get("page", 1, type=int),
        per_page=PUBLIC_PAGE_SIZE,
        error_out=False,
        count=False,
    )
    lessons.total = public_count()
    return render_template("lessons/public.html", lessons=lessons)


def public_count() -> int:
    """How many lessons are public: from the tally (counting 200,000 public lessons took 0.9 s
    at N=10), kept by this worker until the coverage stamp moves."""
    return coverage.cached("public-lessons", lambda: tally.tallied(tally.PUBLIC)[0])


def public_lesson(lesson_id: int) -> Lesson:
    lesson = db.get_or_404(Lesson, lesson_id)
    if lesson.status != "published" or lesson.sharing != "public":
        abort(404)
    return lesson


@bp.get("/public/<int:lesson_id>")
@public
def public_show(lesson_id: int) -> str:
    lesson = public_lesson(lesson_id)
    return render_template(
        "lessons/public_show.html",
        lesson=lesson,
        documents=documents.of_lesson(lesson, ("public",)),
    )


@bp.get("/public/<int:lesson_id>/files/<int:attachment_id>")
@public
def public_file(lesson_id: int, attachment_id: int) -> Response:
    """A public document of a public published lesson, for anyone (the core's route needs a
    login); other documents answer 404 here."""
    row = documents.find(public_lesson(lesson_id), attachment_id)
    if row is None or row[1] != "public":
        abort(404)
    return attachment_response(row[0])


@bp.get("/feed.atom")
@public
def feed() -> Response:
    lessons = public_lessons(50)
    body = render_template(
        "lessons/feed.atom.xml",
        lessons=lessons,
        documents=documents.documents([lesson.id for lesson in lessons], ("public",)),
        updated=max((lesson.updated_at for lesson in lessons), default=utcnow()),
    )
    return Response(body, mimetype="application/atom+xml")
