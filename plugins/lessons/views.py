"""Pages of the lessons plugin: find, write, review, discuss, export, initiatives, coverage."""

from __future__ import annotations

import csv
import difflib
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from intranet.plugin_api import (
    EVERYONE,
    MEMBERS,
    STAFF,
    AttachmentError,
    ResourceRef,
    User,
    can,
    collect,
    db,
    delete_attachment,
    public,
    record_audit,
    render_form,
    roles,
    save_upload,
    similar_work,
    spreadsheet_cell,
    utcnow,
    wants_fragment,
)
from plugins.lessons import documents, notices
from plugins.lessons import search as finder
from plugins.lessons.coverage import coverage_counts
from plugins.lessons.forms import (
    CommentForm,
    DocumentForm,
    DocumentSharingForm,
    EditorForm,
    InitiativeForm,
    LessonForm,
    ReviewForm,
    tag_list,
)
from plugins.lessons.models import (
    AttachmentShare,
    Editor,
    Endorsement,
    Initiative,
    InitiativeCountry,
    InitiativeResource,
    Lesson,
    LessonComment,
    LessonRevision,
)
from plugins.lessons.vocab import (
    AREAS,
    COUNTRIES,
    EXPLOITATION_FORMS,
    LEVELS,
    SHARING,
    STATUSES,
    TARGET_GROUPS,
    label,
)

bp = Blueprint(
    "lessons",
    __name__,
    url_prefix="/lessons",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.app_template_filter("lessons_country")
def country_name(code: str) -> str:
    return COUNTRIES.get(code, code)


@bp.app_template_filter("lessons_time")
def local_time(moment: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    """A stored UTC time in the viewer's time zone (UTC for anonymous readers)."""
    if moment is None:
        return ""
    zone = getattr(current_user, "timezone", None) or "UTC"
    try:
        return moment.astimezone(ZoneInfo(zone)).strftime(fmt)
    except (KeyError, ValueError):
        return moment.strftime(fmt) + " UTC"


@bp.context_processor
def vocabularies() -> dict[str, Any]:
    return {
        "COUNTRIES": COUNTRIES,
        "LEVELS": LEVELS,
        "AREAS": AREAS,
        "FORMS": EXPLOITATION_FORMS,
        "TARGET_GROUPS": TARGET_GROUPS,
        "STATUSES": STATUSES,
        "SHARING": SHARING,
        "facet_label": label,
        "is_reviewer": finder.is_reviewer(current_user),
    }


def ref(lesson: Lesson) -> ResourceRef:
    return ResourceRef("lessons.lesson", lesson.id)


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


# --- finding lessons ------------------------------------------------------------------------


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


# --- one lesson --------------------------------------------------------------------------------


@bp.get("/<int:lesson_id>")
@roles(*EVERYONE)
def show(lesson_id: int) -> str:
    lesson = lesson_for(lesson_id)
    comments = db.session.scalars(
        select(LessonComment)
        .where(LessonComment.lesson_id == lesson.id)
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


def save_lesson(lesson: Lesson, form: LessonForm) -> None:
    """Copy the form into the lesson and keep a full snapshot as a new revision."""
    for name in (
        "title",
        "summary",
        "context",
        "actions",
        "results",
        "recommendation",
        "level",
        "area",
        "target_group",
        "organisation",
        "contact_person",
        "start_year",
        "end_year",
        "links",
        "sharing",
    ):
        setattr(lesson, name, getattr(form, name).data or ("" if name != "end_year" else None))
    lesson.title = lesson.title.strip()
    lesson.set_values("country", form.countries.data)
    lesson.set_values("form", form.forms.data or [])
    lesson.set_values("tag", tag_list(form.tags.data or ""))
    wanted = set(form.initiatives.data or [])
    lesson.initiatives = (
        db.session.scalars(select(Initiative).where(Initiative.id.in_(wanted))).all()
        if wanted
        else []
    )
    lesson.updated_at = utcnow()
    db.session.add(lesson)
    db.session.flush()
    number = (
        db.session.scalar(
            select(func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson.id)
        )
        or 0
    ) + 1
    db.session.add(
        LessonRevision(
            lesson_id=lesson.id,
            number=number,
            author_id=current_user.id,
            snapshot=lesson.snapshot(),
        )
    )


def similar_panel_context(title: str, summary: str, exclude: str = "") -> dict[str, Any]:
    text = f"{title} {summary}".strip()
    items = similar_work(text, current_user, limit=6)
    items = sorted((item for item in items if item.url != exclude), key=lambda item: -item.score)[
        :5
    ]
    return {"similar": items, "similar_text": text}


@bp.route("/new", methods=["GET", "POST"])
@roles(*MEMBERS)
def create() -> Any:
    form = LessonForm()
    initiative_choices(form)
    if form.validate_on_submit():
        lesson = Lesson(author_id=current_user.id, status="draft")
        save_lesson(lesson, form)
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
    # stored value (which has other types, e.g. tags as a list).
    form = LessonForm(
        obj=None if request.method == "POST" else lesson,
        data=None
        if request.method == "POST"
        else {
            "countries": lesson.countries,
            "forms": lesson.forms,
            "tags": ", ".join(lesson.tags),
            "initiatives": [i.id for i in lesson.initiatives],
        },
    )
    initiative_choices(form)
    if form.validate_on_submit():
        save_lesson(lesson, form)
        record_audit("lessons.edited", target=f"lesson:{lesson.id}")
        db.session.commit()
        flash("Changes saved.", "success")
        return see_other("lessons.show", lesson_id=lesson.id)
    own_url = url_for("lessons.show", lesson_id=lesson.id)
    return render_form(
        "lessons/form.html",
        form,
        lesson=lesson,
        **similar_panel_context(form.title.data or "", form.summary.data or "", own_url),
    )


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


@bp.post("/<int:lesson_id>/submit")
@roles(*EVERYONE)
def submit(lesson_id: int) -> Response:
    lesson = lesson_for(lesson_id, "lessons.edit")
    if lesson.status == "draft":
        lesson.status = "submitted"
        lesson.submitted_at = utcnow()
        record_audit("lessons.submitted", target=f"lesson:{lesson.id}")
        db.session.commit()
        notices.submitted(lesson)
        flash("Submitted for review. The secretariat will publish it or come back to you.")
    return see_other("lessons.show", lesson_id=lesson.id)


@bp.route("/<int:lesson_id>/review", methods=["GET", "POST"])
@roles(*MEMBERS)
def review(lesson_id: int) -> Any:
    lesson = lesson_for(lesson_id, "lessons.review")
    form = ReviewForm()
    if form.validate_on_submit():
        note = (form.comment.data or "").strip()
        if note:
            db.session.add(
                LessonComment(
                    lesson_id=lesson.id, author_id=current_user.id, kind="review", body=note
                )
            )
        if form.decision.data == "publish":
            lesson.status = "published"
            lesson.published_at = lesson.published_at or utcnow()
            flash("Lesson published.", "success")
        else:
            lesson.status = "draft"
            flash("Lesson sent back to its author with your comment.", "success")
        record_audit(f"lessons.review.{form.decision.data}", target=f"lesson:{lesson.id}")
        db.session.commit()
        if lesson.status == "published":
            warn_about_narrower_documents(lesson)
            notices.published(lesson)
        else:
            notices.returned(lesson, note)
        return see_other("lessons.show", lesson_id=lesson.id)
    return render_form(
        "lessons/review.html", form, lesson=lesson, narrower=documents.narrower_than_lesson(lesson)
    )


def warn_about_narrower_documents(lesson: Lesson) -> None:
    narrower = documents.narrower_than_lesson(lesson)
    if narrower:
        names = ", ".join(f"“{attachment.filename}”" for attachment, _ in narrower)
        flash(
            f"This lesson is {SHARING[lesson.sharing].lower()}, but {len(narrower)} document(s) "
            f"are shared more narrowly and will not be shown to all its readers: {names}.",
            "warning",
        )


# --- documents -------------------------------------------------------------------------------


@bp.route("/<int:lesson_id>/documents", methods=["GET", "POST"])
@roles(*EVERYONE)
def documents_page(lesson_id: int) -> Any:
    """The lesson's documents: upload (at the lesson's sharing level unless told), share, remove."""
    lesson = lesson_for(lesson_id, "lessons.edit")
    form = DocumentForm()
    if request.method == "GET":
        form.sharing.data = lesson.sharing
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if not upload or not upload.filename:
                raise AttachmentError("Choose a file to upload.")
            attachment = save_upload(
                upload, documents.OWNER, documents.KIND, lesson.id, current_user
            )
        except AttachmentError as error:
            form.file.errors.append(str(error))
        else:
            db.session.add(AttachmentShare(attachment_id=attachment.id, sharing=form.sharing.data))
            record_audit("lessons.document.added", target=f"lesson:{lesson.id}")
            db.session.commit()
            flash(f"“{attachment.filename}” attached.", "success")
            warn_about_narrower_documents(lesson)
            return see_other("lessons.documents_page", lesson_id=lesson.id)
    return render_form(
        "lessons/documents.html",
        form,
        lesson=lesson,
        documents=documents.of_lesson(lesson),
        narrower=documents.narrower_than_lesson(lesson),
        sharing_form=DocumentSharingForm(),
    )


def lesson_document(lesson_id: int, attachment_id: int) -> tuple[Lesson, Any]:
    lesson = lesson_for(lesson_id, "lessons.edit")
    row = documents.find(lesson, attachment_id)
    if row is None:
        abort(404)
    return lesson, row[0]


@bp.post("/<int:lesson_id>/documents/<int:attachment_id>/sharing")
@roles(*EVERYONE)
def document_sharing(lesson_id: int, attachment_id: int) -> Response:
    lesson, attachment = lesson_document(lesson_id, attachment_id)
    form = DocumentSharingForm()
    if form.validate_on_submit():
        share = db.session.get(AttachmentShare, attachment.id) or AttachmentShare(
            attachment_id=attachment.id
        )
        share.sharing = form.sharing.data
        db.session.add(share)
        record_audit("lessons.document.shared", target=f"lesson:{lesson.id}")
        db.session.commit()
        flash(f"“{attachment.filename}”: {SHARING[share.sharing].lower()}.", "success")
    else:
        flash("Choose who the document is shared with.", "error")
    return see_other("lessons.documents_page", lesson_id=lesson.id)


@bp.post("/<int:lesson_id>/documents/<int:attachment_id>/delete")
@roles(*EVERYONE)
def document_delete(lesson_id: int, attachment_id: int) -> Response:
    lesson, attachment = lesson_document(lesson_id, attachment_id)
    name = attachment.filename
    db.session.execute(
        delete(AttachmentShare).where(AttachmentShare.attachment_id == attachment.id)
    )
    record_audit("lessons.document.removed", target=f"lesson:{lesson.id}")
    delete_attachment(attachment)
    flash(f"“{name}” removed.", "success")
    return see_other("lessons.documents_page", lesson_id=lesson.id)


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


# --- revisions ---------------------------------------------------------------------------------


def snapshot_lines(snapshot: dict[str, Any]) -> list[str]:
    """A revision as readable lines, one section per field, for difflib."""
    lines: list[str] = []
    for key, value in snapshot.items():
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
    return [key.replace("_", " ") for key in new if old.get(key) != new[key]]


@bp.get("/<int:lesson_id>/history")
@roles(*EVERYONE)
def history(lesson_id: int) -> str:
    lesson = lesson_for(lesson_id)
    revisions = db.session.scalars(
        select(LessonRevision)
        .where(LessonRevision.lesson_id == lesson.id)
        .order_by(LessonRevision.number)
    ).all()
    entries = [
        (revision, changed_fields(revisions[i - 1].snapshot if i else None, revision.snapshot))
        for i, revision in enumerate(revisions)
    ]
    return render_template("lessons/history.html", lesson=lesson, entries=entries[::-1])


@bp.get("/<int:lesson_id>/diff")
@roles(*EVERYONE)
def diff(lesson_id: int) -> str:
    lesson = lesson_for(lesson_id)
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


# --- public page and feed ------------------------------------------------------------------


def public_lessons(limit: int) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.status == "published", Lesson.sharing == "public")
            .order_by(Lesson.published_at.desc(), Lesson.id.desc())
            .limit(limit)
        )
    )


@bp.get("/public")
@public
def public_index() -> str:
    return render_template("lessons/public.html", lessons=public_lessons(100))


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
    attachment = row[0]
    path = Path(current_app.config["ATTACHMENT_DIR"]) / attachment.storage_path
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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


# --- initiatives ---------------------------------------------------------------------------


@bp.get("/initiatives")
@roles(*MEMBERS)
def initiatives() -> str:
    country = request.args.get("country", "")
    area = request.args.get("area", "")
    level = request.args.get("level", "")
    query = select(Initiative).order_by(Initiative.name)
    if country:
        query = query.where(
            Initiative.id.in_(
                select(InitiativeCountry.initiative_id).where(InitiativeCountry.code == country)
            )
        )
    if area:
        query = query.where(Initiative.area == area)
    if level:
        query = query.where(Initiative.level == level)
    return render_template(
        "lessons/initiatives.html",
        initiatives=db.session.scalars(query).all(),
        chosen={"country": country, "area": area, "level": level},
    )


@bp.get("/initiatives/<int:initiative_id>")
@roles(*MEMBERS)
def initiative(initiative_id: int) -> str:
    item = db.get_or_404(Initiative, initiative_id)
    lessons = db.session.scalars(
        select(Lesson)
        .where(Lesson.initiatives.any(Initiative.id == item.id), finder.visible_to(current_user))
        .order_by(Lesson.title)
    ).all()
    return render_template("lessons/initiative.html", initiative=item, lessons=lessons)


SUBGROUP = "subgroups.group"


def offered_subgroups() -> dict[int, Any]:
    """Sub-groups the current user may link, as their plugin offers them (no import of it)."""
    return {
        item.ref.id: item
        for item in collect("intranet_grantable_resources", user=current_user)
        if item.ref.kind == SUBGROUP
    }


def save_subgroups(item: Initiative, chosen: list[int], offered: dict[int, Any]) -> None:
    """Link the chosen sub-groups; links to groups not offered to this user stay as they are."""
    keep = [
        link
        for link in item.resources
        if link.resource_kind != SUBGROUP or link.resource_id not in offered
    ]
    item.resources = keep + [
        InitiativeResource(
            resource_kind=SUBGROUP,
            resource_id=group_id,
            label=offered[group_id].label[:300],
            url=offered[group_id].url[:500],
        )
        for group_id in sorted(set(chosen))
    ]


@bp.route("/initiatives/new", methods=["GET", "POST"])
@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@roles(*MEMBERS)
def initiative_form(initiative_id: int | None = None) -> Any:
    item = db.get_or_404(Initiative, initiative_id) if initiative_id else None
    form = InitiativeForm(obj=item)
    offered = offered_subgroups()
    form.subgroups.choices = [(group_id, entry.label) for group_id, entry in offered.items()]
    if item is not None and request.method == "GET":
        form.countries.data = item.countries
        form.subgroups.data = [
            link.resource_id for link in item.resources if link.resource_kind == SUBGROUP
        ]
    if form.validate_on_submit():
        if item is None:
            item = Initiative(author_id=current_user.id)
            db.session.add(item)
        chosen = form.subgroups.data or []
        del form.subgroups
        form.populate_obj(item)
        save_subgroups(item, chosen, offered)
        item.updated_at = utcnow()
        db.session.flush()
        record_audit("lessons.initiative.saved", target=f"initiative:{item.id}")
        db.session.commit()
        flash("Initiative saved.", "success")
        return see_other("lessons.initiative", initiative_id=item.id)
    return render_form("lessons/initiative_form.html", form, initiative=item)


# --- coverage -------------------------------------------------------------------------------


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
        .where(finder.published_for(current_user))
        .order_by(Lesson.published_at.desc())
        .limit(5)
    ).all()
    return page_or_fragment(
        "lessons/_widget_recent.html",
        "dashboard/widget_page.html",
        body="lessons/_widget_recent.html",
        title="Recently published lessons",
        lessons=lessons,
    )


@bp.get("/widgets/review")
@roles(*MEMBERS)
def review_widget() -> Response:
    if not finder.is_reviewer(current_user):
        abort(403)
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.status == "submitted").order_by(Lesson.submitted_at)
    ).all()
    return page_or_fragment(
        "lessons/_widget_review.html",
        "dashboard/widget_page.html",
        body="lessons/_widget_review.html",
        title="Lessons awaiting review",
        lessons=lessons,
    )


# --- designated editors ------------------------------------------------------------------


@bp.route("/editors", methods=["GET", "POST"])
@roles(*STAFF)
def editors() -> Any:
    form = EditorForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(func.lower(User.email) == form.email.data.strip().lower())
        )
        if user is None or user.is_guest:
            form.email.errors.append("No member has this email address.")
        else:
            if db.session.get(Editor, user.id) is None:
                db.session.add(Editor(user_id=user.id))
                record_audit("lessons.editor.added", target=f"user:{user.id}")
                db.session.commit()
            flash(f"{user.name} may now review lessons.", "success")
            return see_other("lessons.editors")
    current = db.session.scalars(select(Editor).order_by(Editor.added_at)).all()
    return render_form("lessons/editors.html", form, editors=current)


@bp.post("/editors/<int:user_id>/remove")
@roles(*STAFF)
def remove_editor(user_id: int) -> Response:
    editor = db.get_or_404(Editor, user_id)
    db.session.delete(editor)
    record_audit("lessons.editor.removed", target=f"user:{user_id}")
    db.session.commit()
    return see_other("lessons.editors")
