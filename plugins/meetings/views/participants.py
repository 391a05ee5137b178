"""Who takes part: inviting members, guests, delegations and sub-groups, answers, the list
by country and its CSV, attendance."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.validators import ValidationError

from intranet.plugin_api import (
    EVERYONE,
    STAFF,
    ResourceRef,
    User,
    cached_figures,
    collect,
    country_name,
    db,
    find_people,
    people_named,
    picker_query,
    record_audit,
    render_form,
    roles,
    spreadsheet_cell,
    utcnow,
    wants_fragment,
    watch_tables,
)

from .. import forms, notices
from ..models import MODES, RESPONSES, Meeting, Participant
from ..rules import may_view, visible_to
from . import pickers
from .blueprint import bp
from .common import FULL_MEETING, meeting_or_404, meeting_page

MAX_INDIVIDUALS = 500  # people one form may pick one by one

# "All members (N)": counted once per change to who is an active member, not on each form
# (150,000 accounts at N=10: 41 ms).
MEMBERS_STAMP = "meetings-members"
watch_tables(MEMBERS_STAMP, User.role, User.is_active_account)


def members_query() -> Any:
    """Ids of the active members (every account but partners' guests)."""
    return select(User.id).where(User.role != "guest", User.is_active_account)


def individuals(meeting: Meeting, ids: list[int]) -> set[int]:
    """The people picked one by one who may be invited: active members, and guests only
    when their grants let them see the meeting."""
    people = db.session.scalars(
        select(User).where(User.id.in_(ids[:MAX_INDIVIDUALS]), User.is_active_account)
    ).all()
    guests = visible_to(meeting, [user for user in people if user.is_guest])
    return {user.id for user in people if not user.is_guest} | {user.id for user in guests}


def group_members(meeting: Meeting, group: ResourceRef) -> set[int]:
    """Active members of a sub-group, through intranet_resource_members; guests among them
    only when they may see the meeting."""
    people = [
        user for user in collect("intranet_resource_members", resource=group) if user.is_active
    ]
    return {user.id for user in people if not user.is_guest or may_view(user, meeting)}


def invite_form() -> tuple[forms.InviteForm, list[tuple[str, str]]]:
    """The invitation form: all members (counted); sub-groups and individuals are found with
    pickers, never listed in full. The sub-groups chosen, with their names: only those the
    user may choose are kept."""
    form = forms.InviteForm()
    counted = select(func.count()).select_from(members_query().subquery())
    count = cached_figures(MEMBERS_STAMP, "all", lambda: db.session.scalar(counted))
    form.everyone.label.text = f"All members ({count})"
    return form, pickers.group_choices(pickers.groups_named(form.groups.data or []))


def offered(groups: list[tuple[str, str]]) -> Any:
    """A check that the form names only sub-groups the user may choose (`groups`)."""

    def check(form: forms.InviteForm, field: Any) -> None:
        if set(field.data or []) - {value for value, _ in groups}:
            raise ValidationError("Choose one of the listed entries.")

    return check


def audience(form: forms.InviteForm, meeting: Meeting) -> set[int]:
    """The ids of everyone the form's audiences name: all members, a delegation, sub-groups,
    and individuals (members, or guests granted the meeting)."""
    chosen = individuals(meeting, [*(form.members.data or []), *(form.guests.data or [])])
    if form.everyone.data:
        chosen |= set(db.session.scalars(members_query()))
    for group_id in form.groups.data or []:
        if group_id.isdecimal():
            chosen |= group_members(meeting, ResourceRef(pickers.GROUP_KIND, int(group_id)))
    if form.delegation.data:
        code = form.delegation.data.upper()
        chosen |= set(db.session.scalars(members_query().where(User.country_code == code)))
    return chosen


def invite_picker(form: forms.InviteForm) -> dict[str, Any]:
    """The individuals' picker: those already chosen, and after "Find" the people found."""
    query = picker_query("members")
    return {
        "chosen": people_named([*(form.members.data or []), *(form.guests.data or [])]),
        "found": None if query is None else find_people(query, current_user),
        "query": query or "",
    }


def invite_count(chosen: set[int], meeting: Meeting) -> dict[str, int]:
    already = {p.user_id for p in meeting.participants}
    return {"new": len(chosen - already), "already": len(chosen & already)}


@bp.route("/<int:meeting_id>/invite", methods=["GET", "POST"])
@roles(*STAFF)
def invite(meeting_id: int) -> Any:
    """Invite audiences; "Count" (or htmx, as the choices change) says how many people the
    choices name before anyone is invited."""
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.participants))
    form, groups = invite_form()
    searching = any(picker_query(field) is not None for field in ("members", "groups"))
    counting = "count" in request.form or searching
    valid = form.validate_on_submit(extra_validators={"groups": [offered(groups)]})
    if valid and not counting:
        new_ids = sorted(audience(form, meeting) - {p.user_id for p in meeting.participants})
        for user_id in new_ids:
            meeting.participants.append(Participant(user_id=user_id))
        if form.everyone.data:  # members who join later are invited too
            meeting.all_members_invited = True
        code = (form.delegation.data or "").upper()
        if code and code not in meeting.invited_delegations:
            meeting.invited_delegations = [*meeting.invited_delegations, code]
        groups = {int(group_id) for group_id in form.groups.data or [] if group_id.isdecimal()}
        if groups - set(meeting.invited_groups):  # who joins them later is invited too
            meeting.invited_groups = sorted(groups | set(meeting.invited_groups))
        db.session.commit()
        if new_ids and not meeting.is_cancelled:
            invitees = db.session.scalars(select(User).where(User.id.in_(new_ids))).all()
            notices.invited(meeting, invitees, current_user)
        flash(f"{len(new_ids)} invited.", "success")
        return redirect(url_for("meetings.participants", meeting_id=meeting.id), code=303)
    count = None
    if request.method == "POST" and not form.errors:
        count = invite_count(audience(form, meeting), meeting)
    if counting and wants_fragment():
        return render_template("meetings/_invite_count.html", count=count)
    return render_form(
        "meetings/invite.html",
        form,
        meeting=meeting,
        count=count,
        has_groups=bool(groups) or pickers.groups_offered(),
        individuals=invite_picker(form),
        groups=pickers.picker_context("groups", groups),
    )


@bp.post("/<int:meeting_id>/response")
@roles(*EVERYONE)
def respond(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id, *FULL_MEETING)
    form = forms.ResponseForm()
    if meeting.is_cancelled:
        form.response.errors = ["This meeting is cancelled; answers are closed."]
        return meeting_page(meeting, status=422, response_form=form)
    if not form.validate_on_submit():
        return meeting_page(meeting, status=422, response_form=form)
    mine = next((p for p in meeting.participants if p.user_id == current_user.id), None)
    if mine is None:
        mine = Participant(user_id=current_user.id)
        meeting.participants.append(mine)
    mine.response = form.response.data
    mine.mode = form.mode.data
    mine.responded_at = utcnow()
    db.session.commit()
    flash(f"Your answer is saved: {RESPONSES[mine.response].lower()}.", "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)


def participants_by_country(meeting: Meeting) -> list[tuple[str, list[Participant]]]:
    groups: dict[str, list[Participant]] = {}
    for participant in sorted(meeting.participants, key=lambda p: p.user.name):
        country = country_name(participant.user.country_code) or "No country given"
        groups.setdefault(country, []).append(participant)
    return sorted(groups.items())


PARTICIPANT_OPTIONS = (selectinload(Meeting.participants).joinedload(Participant.user),)


@bp.get("/<int:meeting_id>/participants")
@roles(*STAFF)
def participants(meeting_id: int) -> str:
    meeting = meeting_or_404(meeting_id, *PARTICIPANT_OPTIONS)
    return render_template(
        "meetings/participants.html",
        meeting=meeting,
        groups=participants_by_country(meeting),
        responses=RESPONSES,
        modes=MODES,
    )


@bp.get("/<int:meeting_id>/participants.csv")
@roles(*STAFF)
def participants_csv(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id, *PARTICIPANT_OPTIONS)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Country", "Name", "Email", "Answer", "Mode", "Attended"])
    for country, people in participants_by_country(meeting):
        for p in people:
            attended = {True: "yes", False: "no"}.get(p.attended, "")
            answer = RESPONSES.get(p.response or "", "No answer")
            row = [
                country,
                p.user.name,
                p.user.email,
                answer,
                MODES.get(p.mode or "", ""),
                attended,
            ]
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    filename = f"meeting-{meeting.id}-participants.csv"
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/<int:meeting_id>/attendance")
@roles(*STAFF)
def attendance(meeting_id: int) -> Response:
    """Record who attended and who was absent, once the meeting has begun; a participant with
    neither chosen keeps what was recorded before (nothing, at first)."""
    meeting = meeting_or_404(meeting_id, *PARTICIPANT_OPTIONS)
    if not meeting.has_begun or meeting.is_cancelled:
        flash("Attendance can be recorded once the meeting has begun.", "error")
        return redirect(url_for("meetings.participants", meeting_id=meeting.id), code=303)
    answers = {"attended": True, "absent": False}
    for participant in meeting.participants:
        answer = request.form.get(f"attendance-{participant.id}", "")
        if answer in answers:
            participant.attended = answers[answer]
    record_audit("meetings.attendance_recorded", target=f"meeting:{meeting.id}")
    db.session.commit()
    flash("Attendance recorded.", "success")
    return redirect(url_for("meetings.participants", meeting_id=meeting.id), code=303)
