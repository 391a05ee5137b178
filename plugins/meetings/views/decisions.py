"""The register of decisions, and the staff's edits of decisions and action items (each with
a confirmation before deleting, audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from intranet.plugin_api import (
    EVERYONE,
    STAFF,
    db,
    find_people,
    people_named,
    picker_query,
    record_audit,
    render_form,
    roles,
    wants_fragment,
)

from .. import forms, notices
from ..contributions import held_in
from ..models import DECISION_STATES, TASK_FORCE_BODY, ActionItem, Decision, Meeting
from ..rules import may_view, shows_minutes, visible_conditions, visible_ids
from .blueprint import bp
from .common import meeting_or_404, period_args, period_words, requested_period

PAGE_SIZE = 25
BODIES = {"task-force": "Task force (plenary)", "sub-groups": "Sub-groups"}


def register_query(
    year: int | None, body: str, status: str, period: tuple[date, date] | None = None
) -> Any:
    query = (
        select(Decision)
        .join(Decision.meeting)
        .options(contains_eager(Decision.meeting).joinedload(Meeting.minutes))
        .order_by(Meeting.start_at.desc(), Decision.number.desc())
    )
    if year:
        query = query.where(Decision.year == year)
    if body == "task-force":
        query = query.where(Decision.body == TASK_FORCE_BODY)
    elif body == "sub-groups":
        query = query.where(Decision.body != TASK_FORCE_BODY)
    if status in DECISION_STATES:
        query = query.where(Decision.status == status)
    if period:  # the decisions of the meetings held in a period, as the activity report has them
        query = query.where(held_in(*period))
    # Default-deny for a guest: only the meetings granted to them, found from their grants
    # (never every meeting's id); nothing for members, whose vetoed meetings leave the page.
    return query.where(*visible_conditions(current_user))


@bp.get("/decisions")
@roles(*EVERYONE)
def register() -> Any:
    """Every decision of every meeting the viewer may see, newest first."""
    year = request.args.get("year", type=int)
    body = request.args.get("body", "")
    status = request.args.get("status", "")
    period = requested_period()
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(
        register_query(year, body, status, period), page=page, per_page=PAGE_SIZE, error_out=False
    )
    decisions = list(pagination.items)
    seen = visible_ids(current_user, {d.meeting_id for d in decisions})  # a plugin's veto
    decisions = [d for d in decisions if d.meeting_id in seen]
    years = db.session.scalars(select(Decision.year).distinct().order_by(Decision.year.desc()))
    context = {
        "decisions": decisions,
        "minutes_shown": {
            d.meeting_id for d in decisions if shows_minutes(current_user, d.meeting.minutes)
        },
        "filters": {"year": year or "", "body": body, "status": status, **period_args(period)},
        "period_words": period_words(period) if period else "",
        "years": list(years),
        "bodies": BODIES,
        "states": DECISION_STATES,
        "page": page,
        "has_next": pagination.has_next,
        "total": pagination.total or 0,
    }
    template = "meetings/_register.html" if wants_fragment() else "meetings/decisions.html"
    return render_template(template, **context), 200, {"Vary": "HX-Request"}


def decision_or_404(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None or not may_view(current_user, decision.meeting):
        abort(404)
    return decision


def delete_and_return(
    row: Decision | ActionItem, action: str, target: str, name: str, message: str, anchor: str
) -> Any:
    """Delete a decision or an action item (audited under its `name`, which the log shows once
    the row is gone) and go back to its meeting's section."""
    meeting = row.meeting
    record_audit(action, target=target, name=name)
    db.session.delete(row)
    db.session.commit()
    flash(message, "success")
    return back_to(meeting, anchor)


def back_to(meeting: Meeting, anchor: str) -> Any:
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + anchor, code=303)


@bp.route("/<int:meeting_id>/decisions/new", methods=["GET", "POST"])
@roles(*STAFF)
def add_decision(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        decision = Decision(meeting=meeting, text=form.text.data.strip(), status=form.status.data)
        db.session.add(decision)
        db.session.flush()
        record_audit("meetings.decision_recorded", target=f"decision:{decision.id}")
        db.session.commit()
        flash(f"Decision {decision.reference} recorded.", "success")
        return back_to(meeting, "#decisions")
    return render_form(
        "meetings/form.html", form, meeting=meeting, title="Record a decision", action=request.path
    )


@bp.route("/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit_decision(decision_id: int) -> Any:
    decision = decision_or_404(decision_id)
    form = forms.DecisionForm(obj=decision)
    if form.validate_on_submit():
        decision.text = form.text.data.strip()
        decision.status = form.status.data
        record_audit("meetings.decision_updated", target=f"decision:{decision.id}")
        db.session.commit()
        flash(f"Decision {decision.reference} saved.", "success")
        return back_to(decision.meeting, f"#decision-{decision.id}")
    return render_form(
        "meetings/form.html",
        form,
        meeting=decision.meeting,
        title=f"Edit decision {decision.reference}",
        action=request.path,
    )


@bp.get("/decisions/<int:decision_id>/confirm-deletion")
@roles(*STAFF)
def confirm_delete_decision(decision_id: int) -> str:
    """Ask before deleting: the page names the decision and posts to delete_decision."""
    decision = decision_or_404(decision_id)
    return render_template(
        "meetings/confirm_delete.html",
        meeting=decision.meeting,
        what=f"decision {decision.reference}",
        quote=decision.text,
        action=url_for("meetings.delete_decision", decision_id=decision.id),
        anchor="#decisions",
    )


@bp.post("/decisions/<int:decision_id>/delete")
@roles(*STAFF)
def delete_decision(decision_id: int) -> Any:
    decision = decision_or_404(decision_id)
    return delete_and_return(
        decision, "meetings.decision_deleted", f"decision:{decision.id}", decision.reference,
        f"Decision {decision.reference} deleted.", "#decisions",
    )  # fmt: skip


def action_item_or_404(item_id: int) -> ActionItem:
    item = db.session.get(ActionItem, item_id)
    if item is None or not may_view(current_user, item.meeting):
        abort(404)
    return item


def owner_picker(form: forms.ActionItemForm) -> dict[str, Any]:
    """The owner picker's context: the chosen person and, after "Find", the people found."""
    query = picker_query("owner_user")
    found = None if query is None else find_people(query, current_user)
    return {
        "owner_user": {
            "chosen": people_named([form.owner_user.data or ""]),
            "found": found,
            "query": query or "",
            "none_label": "A delegation (below)",
        }
    }


def apply_action_form(form: forms.ActionItemForm, item: ActionItem) -> bool:
    """Validate the action item form (not when its owner picker only searched) and apply it
    to `item`; the owner must be an active account."""
    if picker_query("owner_user") is not None:
        return False
    valid = form.validate_on_submit()
    owner = form.owner_user.data or ""
    if valid and owner and not people_named([owner]):
        form.owner_user.errors = ["Choose one of the listed people."]
        valid = False
    if valid:
        item.title = form.title.data.strip()
        item.owner_user_id = int(owner) if owner and owner.isdecimal() else None
        item.owner_country = (form.owner_country.data or "").upper() or None
        item.due_on = form.due_on.data
    return valid


@bp.route("/<int:meeting_id>/actions/new", methods=["GET", "POST"])
@roles(*STAFF)
def add_action_item(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id)
    form = forms.ActionItemForm()
    item = ActionItem()
    if apply_action_form(form, item):
        item.meeting_id = meeting.id
        db.session.add(item)
        db.session.flush()
        record_audit("meetings.action_added", target=f"action:{item.id}")
        db.session.commit()
        notices.action_assigned(item, current_user)
        return back_to(meeting, "#actions")
    return render_form(
        "meetings/form.html",
        form,
        meeting=meeting,
        title="Add an action item",
        action=request.path,
        pickers=owner_picker(form),
    )


@bp.route("/actions/<int:item_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit_action_item(item_id: int) -> Any:
    item = action_item_or_404(item_id)
    form = forms.ActionItemForm(obj=item)
    if request.method == "GET":  # obj would give the owner's account, not its id
        form.owner_user.data = str(item.owner_user_id or "")
    if apply_action_form(form, item):
        record_audit("meetings.action_updated", target=f"action:{item.id}")
        db.session.commit()
        flash(f"Action item “{item.title}” saved.", "success")
        return back_to(item.meeting, "#actions")
    return render_form(
        "meetings/form.html",
        form,
        meeting=item.meeting,
        title="Edit the action item",
        action=request.path,
        pickers=owner_picker(form),
    )


@bp.get("/actions/<int:item_id>/confirm-deletion")
@roles(*STAFF)
def confirm_delete_action_item(item_id: int) -> str:
    item = action_item_or_404(item_id)
    return render_template(
        "meetings/confirm_delete.html",
        meeting=item.meeting,
        what="the action item",
        quote=item.title,
        action=url_for("meetings.delete_action_item", item_id=item.id),
        anchor="#actions",
    )


@bp.post("/actions/<int:item_id>/delete")
@roles(*STAFF)
def delete_action_item(item_id: int) -> Any:
    item = action_item_or_404(item_id)
    return delete_and_return(
        item, "meetings.action_deleted", f"action:{item.id}", f"“{item.title}”",
        f"Action item “{item.title}” deleted.", "#actions",
    )  # fmt: skip
