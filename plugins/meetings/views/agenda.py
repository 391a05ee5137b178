"""A meeting's agenda: adding, editing, removing and reordering items, their documents, and
publishing the agenda to the invitees."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from intranet.plugin_api import (
    STAFF,
    AttachmentError,
    db,
    delete_attachment,
    record_audit,
    render_form,
    roles,
    save_upload,
    utcnow,
    wants_fragment,
)

from .. import forms, notices
from ..models import AgendaItem, Meeting
from ..rules import AGENDA_ITEM
from ..services import (
    agenda_documents,
    attachments_of,
    carried_forward,
    copy_agenda,
    minutes_left,
    running_times,
)
from .blueprint import bp
from .common import FULL_MEETING, meeting_or_404, meeting_page, simple_form


def agenda_fragment(meeting: Meeting, *, message: str = "", status: int = 200) -> Any:
    previous, arising, more_arising = carried_forward(meeting, current_user)
    html = render_template(
        "meetings/_agenda.html",
        meeting=meeting,
        agenda=running_times(meeting),
        documents=agenda_documents(meeting),
        previous=previous,
        arising=arising,
        more_arising=more_arising,
        message=message,
    )
    return html, status, {"Vary": "HX-Request"}


def back_to_agenda(meeting: Meeting) -> Response:
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#agenda", code=303)


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@roles(*STAFF)
def add_agenda_item(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.agenda_items))
    form = forms.AgendaItemForm()
    if form.validate_on_submit() and fits(form, meeting):
        item = AgendaItem(position=len(meeting.agenda_items) + 1)
        form.populate_obj(item)
        meeting.agenda_items.append(item)
        db.session.commit()
        return back_to_agenda(meeting)
    action = url_for("meetings.add_agenda_item", meeting_id=meeting.id)
    return simple_form(form, "Add an agenda item", meeting, action)


def fits(form: forms.AgendaItemForm, meeting: Meeting, item: AgendaItem | None = None) -> bool:
    """Whether the agenda, with this item at the length typed, still ends by the meeting's
    end; if not, the duration field says how many minutes are left."""
    left = minutes_left(meeting, without=item)
    if form.duration_minutes.data <= left:
        return True
    ends = meeting.local_end.strftime("%H:%M")
    form.duration_minutes.errors = [
        f"The agenda would run past the meeting's end at {ends}: "
        + (f"at most {left} minutes are left." if left else "no time is left.")
    ]
    return False


def agenda_item_or_404(meeting_id: int, item_id: int) -> tuple[Meeting, AgendaItem]:
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.agenda_items))
    item = next((item for item in meeting.agenda_items if item.id == item_id), None)
    if item is None:
        abort(404)
    return meeting, item


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit_agenda_item(meeting_id: int, item_id: int) -> Any:
    meeting, item = agenda_item_or_404(meeting_id, item_id)
    form = forms.AgendaItemForm(obj=item)
    if form.validate_on_submit() and fits(form, meeting, item):
        form.populate_obj(item)
        db.session.commit()
        return back_to_agenda(meeting)
    action = url_for("meetings.edit_agenda_item", meeting_id=meeting.id, item_id=item.id)
    return simple_form(form, "Edit the agenda item", meeting, action)


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/delete")
@roles(*STAFF)
def delete_agenda_item(meeting_id: int, item_id: int) -> Any:
    meeting, item = agenda_item_or_404(meeting_id, item_id)
    for attachment in attachments_of(item):
        delete_attachment(attachment)
    meeting.agenda_items.remove(item)
    for position, remaining in enumerate(meeting.agenda_items, start=1):
        remaining.position = position
    db.session.commit()
    if wants_fragment():
        return agenda_fragment(meeting)
    return back_to_agenda(meeting)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/documents", methods=["GET", "POST"])
@roles(*STAFF)
def agenda_item_documents(meeting_id: int, item_id: int) -> Any:
    """Upload documents to an agenda item; the list of its documents with remove buttons."""
    meeting, item = agenda_item_or_404(meeting_id, item_id)
    form = forms.DocumentForm()
    upload = request.files.get("document")
    valid = form.validate_on_submit()
    if valid and upload is None:
        form.document.errors = ["Choose a file to upload."]
    elif valid:
        try:
            attachment = save_upload(upload, "meetings", AGENDA_ITEM, item.id, current_user)
        except AttachmentError as error:
            form.document.errors = [str(error)]
        else:
            record_audit("meetings.document_added", target=f"attachment:{attachment.id}")
            db.session.commit()
            flash(f"“{attachment.filename}” added to “{item.title}”.", "success")
            return back_to_agenda(meeting)
    return render_form(
        "meetings/documents.html",
        form,
        status=422 if request.method == "POST" else None,
        meeting=meeting,
        item=item,
        documents=attachments_of(item),
    )


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/documents/<int:attachment_id>/delete")
@roles(*STAFF)
def delete_agenda_document(meeting_id: int, item_id: int, attachment_id: int) -> Response:
    meeting, item = agenda_item_or_404(meeting_id, item_id)
    attachment = next((a for a in attachments_of(item) if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    name = attachment.filename
    record_audit("meetings.document_removed", target=f"attachment:{attachment.id}", name=name)
    delete_attachment(attachment)
    flash(f"“{name}” removed.", "success")
    return back_to_agenda(meeting)


def parse_ids(text: str) -> list[int] | None:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        return None


@bp.post("/<int:meeting_id>/agenda/order")
@roles(*STAFF)
def reorder_agenda(meeting_id: int) -> Any:
    """Save a new order of the agenda: the whole list as the sender saw it, optionally with a
    `move` ("<id>:up" or "<id>:down") applied. A list that does not name exactly the current
    items (one was added or removed meanwhile) is refused and nothing changes."""
    meeting = meeting_or_404(meeting_id, *FULL_MEETING)
    order = parse_ids(request.form.get("order", ""))
    move = request.form.get("move", "")
    if order is not None and move:
        item_id, _, direction = move.partition(":")
        if item_id.isdecimal() and int(item_id) in order:
            index = order.index(int(item_id))
            other = index - 1 if direction == "up" else index + 1
            if 0 <= other < len(order):
                order[index], order[other] = order[other], order[index]
    current = {item.id: item for item in meeting.agenda_items}
    if order is None or sorted(order) != sorted(current):
        message = (
            "The agenda changed since you loaded it (an item was added or removed), so your "
            "new order was not saved. Here is the current agenda; please reorder again."
        )
        if wants_fragment():
            return agenda_fragment(meeting, message=message, status=422)
        return meeting_page(meeting, status=409, agenda_message=message)
    for position, item_id in enumerate(order, start=1):
        current[item_id].position = position
    db.session.commit()
    db.session.refresh(meeting, ["agenda_items"])
    if wants_fragment():
        return agenda_fragment(meeting)
    return back_to_agenda(meeting)


@bp.post("/<int:meeting_id>/agenda/copy")
@roles(*STAFF)
def copy_previous_agenda(meeting_id: int) -> Response:
    """Copy the agenda of the previous meeting of the same body onto this (empty) agenda, with
    the items' durations, for the secretariat to edit; what would run past the end is left."""
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.agenda_items))
    previous, _arising, _more = carried_forward(meeting, current_user)
    if meeting.agenda_items or previous is None or not previous.agenda_items:
        flash("Only an empty agenda can take the previous meeting's agenda.", "error")
        return back_to_agenda(meeting)
    left_out = copy_agenda(previous, meeting)
    record_audit("meetings.agenda_copied", target=f"meeting:{meeting.id}", source=previous.id)
    db.session.commit()
    flash(f"The agenda of “{previous.title}” is copied; edit it as needed.", "success")
    if left_out:
        titles = ", ".join(f"“{item.title}”" for item in left_out)
        flash(f"Not copied, as they would run past the meeting's end: {titles}.", "warning")
    return back_to_agenda(meeting)


@bp.post("/<int:meeting_id>/agenda/publish")
@roles(*STAFF)
def publish_agenda(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    again = meeting.agenda_published_at is not None
    meeting.agenda_published_at = utcnow()
    record_audit("meetings.agenda_published", target=f"meeting:{meeting.id}")
    db.session.commit()
    notices.agenda_published(meeting, current_user, again=again)
    flash("Agenda published again." if again else "Agenda published.", "success")
    return back_to_agenda(meeting)
