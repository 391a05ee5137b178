"""The documents attached to a lesson: upload, sharing level, removal."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    flash,
    request,
)
from flask_login import current_user
from sqlalchemy import delete

from intranet.plugin_api import (
    EVERYONE,
    AttachmentError,
    can,
    db,
    delete_attachment,
    record_audit,
    render_form,
    roles,
    save_upload,
)

from .. import documents
from ..forms import (
    DocumentForm,
    DocumentSharingForm,
)
from ..models import (
    AttachmentShare,
    Lesson,
)
from ..vocab import (
    SHARING,
)
from . import bp
from .common import lesson_for, ref, see_other, warn_about_narrower_documents

WIDEN_REFUSED = (
    "The lesson is published: sharing one of its documents beyond the task force is a "
    "reviewer's decision. Keep it task force only and ask a reviewer to widen it."
)


@bp.route("/<int:lesson_id>/documents", methods=["GET", "POST"])
@roles(*EVERYONE)
def documents_page(lesson_id: int) -> Any:
    """The lesson's documents: upload (at the lesson's sharing level unless told), share, remove."""
    lesson = lesson_for(lesson_id, "lessons.edit")
    form = DocumentForm()
    may_widen = can(current_user, "lessons.widen_documents", ref(lesson))
    if request.method == "GET":
        form.sharing.data = lesson.sharing if may_widen else "taskforce"
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if not may_widen and form.sharing.data != "taskforce":
                form.sharing.errors.append(WIDEN_REFUSED)
                raise AttachmentError("The document was not attached.")
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
        may_widen=may_widen,
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
            attachment_id=attachment.id, sharing="taskforce"
        )
        wider = documents.RANK[form.sharing.data] > documents.RANK[share.sharing]
        if wider and not can(current_user, "lessons.widen_documents", ref(lesson)):
            flash(WIDEN_REFUSED, "error")
            return see_other("lessons.documents_page", lesson_id=lesson.id)
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
