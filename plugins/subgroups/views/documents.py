"""A sub-group's documents: adding and deleting them."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect
from flask_login import current_user
from werkzeug.wrappers import Response

from intranet.plugin_api import (
    EVERYONE,
    Attachment,
    AttachmentError,
    db,
    delete_attachment,
    roles,
    save_upload,
)

from .. import rules
from ..forms import DocumentForm
from ..models import log_activity
from . import bp
from .common import OWNER, group_url, load_group, posting_refusal, refuse
from .groups import render_group


@bp.post("/<int:group_id>/documents")
@roles(*EVERYONE)
def upload_document(group_id: int) -> Any:
    group = load_group(group_id)
    target = group_url(group)
    if not rules.may_upload(current_user, group):
        return refuse(
            posting_refusal(group).replace("post here", "add documents"), f"{target}#documents"
        )
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            document = save_upload(
                form.file.data, OWNER, rules.ref(group).kind, group.id, current_user
            )
        except AttachmentError as error:
            form.file.errors.append(str(error))
        else:
            log_activity(
                group, current_user, "document", f"{current_user.name} added “{document.filename}”"
            )
            db.session.commit()
            flash(f"“{document.filename}” was added.", "success")
            return redirect(f"{target}#documents", code=303)
    return render_group(group, form)


@bp.post("/<int:group_id>/documents/<int:attachment_id>/delete")
@roles(*EVERYONE)
def delete_document(group_id: int, attachment_id: int) -> Response:
    group = load_group(group_id)
    document = db.session.get(Attachment, attachment_id)
    if (
        document is None
        or document.owner != OWNER
        or document.object_kind != rules.ref(group).kind
        or document.object_id != group.id
    ):
        abort(404)
    if not rules.may_delete_document(current_user, group, document.uploaded_by_id):
        return refuse(
            "Only the uploader, a convenor or the secretariat can delete this document.",
            f"{group_url(group)}#documents",
        )
    name = document.filename
    delete_attachment(document)
    log_activity(group, current_user, "document", f"{current_user.name} deleted “{name}”")
    db.session.commit()
    flash(f"“{name}” was deleted.", "success")
    return redirect(f"{group_url(group)}#documents", code=303)
