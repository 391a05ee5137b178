"""The record of a meeting: minutes, decisions and action items, and each person's own open
action items."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from intranet.plugin_api import (
    EVERYONE,
    STAFF,
    db,
    record_audit,
    roles,
    utcnow,
    wants_fragment,
)

from .. import forms, notices
from ..action_lists import ACTION_STATUSES, ItemCount, action_counts, my_action_items
from ..models import ActionItem, Meeting, Minutes
from ..notes import add_note
from ..rules import may_view
from ..services import (
    approve_minutes,
    carried_forward,
    owns,
    today_for,
)
from .blueprint import bp
from .common import meeting_or_404, simple_form


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@roles(*STAFF)
def minutes(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id, joinedload(Meeting.minutes))
    document = meeting.minutes or Minutes(body="", status="draft")
    form = forms.MinutesForm(obj=document)
    if form.validate_on_submit():
        approved = document.status != "approved" and form.status.data == "approved"
        document.body = form.body.data or ""
        if approved:
            approve_minutes(document, current_user)
        elif form.status.data == "draft":
            document.status = "draft"
            document.approved_at = document.approved_by_id = document.approved_in = None
        meeting.minutes = document
        if not approved:  # approve_minutes records the approval
            record_audit("meetings.minutes_saved", target=f"meeting:{meeting.id}")
        db.session.commit()
        if approved:
            notices.minutes_approved(meeting, current_user)
        flash("Minutes saved.", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#minutes", code=303)
    action = url_for("meetings.minutes", meeting_id=meeting.id)
    return simple_form(form, "Minutes", meeting, action)


@bp.post("/<int:meeting_id>/previous-minutes/approve")
@roles(*STAFF)
def approve_previous_minutes(meeting_id: int) -> Response:
    """The standing item "Approval of the minutes of the previous meeting": this meeting
    approves the draft minutes of the previous meeting of its body, once it has begun."""
    meeting = meeting_or_404(meeting_id)
    previous, _arising, _more = carried_forward(meeting, current_user)
    document = previous.minutes if previous is not None else None
    if document is None or document.status == "approved":
        flash("There are no draft minutes of the previous meeting to approve.", "error")
    elif not meeting.has_begun:
        flash("The minutes can be approved once this meeting has begun.", "error")
    else:
        approve_minutes(document, current_user, at_meeting=meeting)
        db.session.commit()
        notices.minutes_approved(previous, current_user)
        flash(f"The minutes of “{previous.title}” are approved.", "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#agenda", code=303)


@bp.post("/actions/<int:item_id>/status")
@roles(*EVERYONE)
def action_status(item_id: int) -> Response:
    item = db.get_or_404(ActionItem, item_id)
    if not may_view(current_user, item.meeting):
        abort(404)
    if not (current_user.is_staff or owns(current_user, item)):
        abort(403)
    form = forms.ActionStatusForm()
    if form.validate_on_submit():
        item.status = form.status.data
        item.closed_at = None if item.status == "open" else utcnow()
        record_audit(
            "meetings.action_status_changed", target=f"action:{item.id}", status=item.status
        )
        db.session.commit()
        flash("Action item updated.", "success")
    else:
        flash("Choose open, done or dropped.", "error")
    target = request.form.get("next", "")
    if not is_local_path(target):
        target = url_for("meetings.my_actions")
    return redirect(target, code=303)


@bp.post("/actions/<int:item_id>/notes")
@roles(*EVERYONE)
def add_action_note(item_id: int) -> Response:
    """A progress note from an owner or the secretariat (as a reply by mail adds one)."""
    item = db.get_or_404(ActionItem, item_id)
    if not may_view(current_user, item.meeting):
        abort(404)
    if not (current_user.is_staff or owns(current_user, item)):
        abort(403)
    form = forms.ActionNoteForm()
    if form.validate_on_submit():
        notices.action_noted(item, add_note(item.id, current_user, form.body.data), current_user)
        flash("Your note is added to the action item.", "success")
    else:
        flash("Write a note of at most 5000 characters.", "error")
    target = request.form.get("next", "")
    return redirect(target if is_local_path(target) else url_for("meetings.my_actions"), code=303)


def is_local_path(target: str) -> bool:
    """A path on this site; browsers read "/\\host" like "//host", another site."""
    parts = urlsplit(target)
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not parts.scheme
        and not parts.netloc
    )


@bp.get("/actions")
@roles(*EVERYONE)
def my_actions() -> str:
    """The user's and their delegation's action items, a page at a time, by status."""
    status = "open" if request.args.get("open") else request.args.get("status", "")
    status = status if status in ACTION_STATUSES else ""
    counts = action_counts(current_user)
    everything = sum(counts.values(), start=ItemCount(0))
    page = request.args.get("page", 1, type=int)
    context = {
        "items": my_action_items(current_user, status, page, counts.get(status, everything)),
        "status": status,
        "statuses": ACTION_STATUSES,
        "counts": counts,
        "everything": everything,
        "today": today_for(current_user),
        "status_form": forms.ActionStatusForm(),
        # The dashboard card asks for the open ones: the first ten and a link to the rest.
        "widget": wants_fragment() and bool(request.args.get("open")),
    }
    if wants_fragment():
        return render_template("meetings/_my_actions.html", **context)
    return render_template("meetings/my_actions.html", **context)
