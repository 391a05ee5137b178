"""The list of meetings, a meeting's page, creating and editing a meeting or a whole series,
and the dashboard's next meetings."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet.plugin_api import (
    EVERYONE,
    STAFF,
    collect,
    db,
    record_audit,
    render_form,
    roles,
    utcnow,
    wants_fragment,
)

from .. import forms
from ..models import Meeting, Series
from ..rules import visible, visible_filter
from ..services import drop_stale_overrides, save_meeting_changes, series_end
from .blueprint import bp
from .common import FULL_MEETING, flash_dropped, meeting_or_404, meeting_page

PAGE_SIZE = 20


@bp.get("/")
@roles(*EVERYONE)
def index() -> str:
    past = request.args.get("when") == "past"
    page = max(request.args.get("page", 1, type=int), 1)
    now = utcnow()
    query = select(Meeting).options(selectinload(Meeting.overrides))
    if past:
        query = query.where(Meeting.last_end_at < now).order_by(Meeting.start_at.desc())
    else:
        query = query.where(Meeting.last_end_at >= now).order_by(Meeting.start_at)
    pagination = db.paginate(
        visible_filter(current_user, query), page=page, per_page=PAGE_SIZE, error_out=False
    )
    total = pagination.total or 0
    meetings = visible(current_user, list(pagination.items))
    template = "meetings/_list.html" if wants_fragment() else "meetings/index.html"
    return render_template(
        template,
        meetings=meetings,
        past=past,
        page=page,
        has_next=page * PAGE_SIZE < total,
        now=now,
    )


@bp.get("/<int:meeting_id>")
@roles(*EVERYONE)
def show(meeting_id: int) -> Any:
    return meeting_page(meeting_or_404(meeting_id, *FULL_MEETING))


def owner_choices() -> list[tuple[str, str]]:
    """Bodies that can own a meeting, offered by other plugins (sub-groups) through hooks."""
    resources = collect("intranet_grantable_resources", user=current_user)
    return [
        (f"{resource.ref.kind}:{resource.ref.id}", resource.label)
        for resource in resources
        if not resource.ref.kind.startswith("meetings.")
    ]


def meeting_form(meeting: Meeting | None) -> forms.MeetingForm:
    if meeting is None:
        form = forms.MeetingForm(timezone=current_user.timezone)
    else:
        form = forms.MeetingForm(
            obj=meeting,
            start=meeting.local_start.replace(tzinfo=None),
            end=meeting.local_end.replace(tzinfo=None),
            owner=f"{meeting.owner_kind}:{meeting.owner_id}" if meeting.owner_kind else "",
            series=str(meeting.series_id or ""),
            rrule=meeting.rrule or "",
            exdates="\n".join(meeting.exdates or []),
        )
    form.owner.choices = [("", "The task force"), *owner_choices()]
    series = db.session.execute(select(Series.id, Series.title).order_by(Series.title)).all()
    form.series.choices = [("", "None"), *[(str(id_), title) for id_, title in series]]
    return form


def apply_meeting_form(form: forms.MeetingForm, meeting: Meeting) -> list[date]:
    """Apply the form to the meeting (or the whole series); returns the dates of occurrences
    whose own changes were dropped because the series no longer has them."""
    zone = ZoneInfo(form.timezone.data)
    meeting.title = form.title.data.strip()
    meeting.kind = form.kind.data
    owner_kind, _, owner_id = (form.owner.data or "").rpartition(":")
    meeting.owner_kind = owner_kind or None
    meeting.owner_id = int(owner_id) if owner_kind and owner_id.isdecimal() else None
    meeting.timezone = form.timezone.data
    meeting.start_at = form.start.data.replace(tzinfo=zone).astimezone(UTC)
    meeting.end_at = form.end.data.replace(tzinfo=zone).astimezone(UTC)
    meeting.venue = (form.venue.data or "").strip()
    meeting.online_url = (form.online_url.data or "").strip()
    meeting.host_country = (form.host_country.data or "").upper() or None
    meeting.status = form.status.data
    meeting.rrule = form.rrule.data or None
    meeting.exdates = form.exdates.data.split() if form.exdates.data else []
    if form.new_series.data:
        meeting.series = Series(title=form.new_series.data.strip())
    elif form.series.data and form.series.data.isdecimal():
        meeting.series = db.session.get(Series, int(form.series.data))
    else:
        meeting.series = None
    dropped = drop_stale_overrides(meeting)
    meeting.last_end_at = series_end(meeting)
    return dropped


def render_meeting_form(form: forms.MeetingForm, meeting: Meeting | None) -> Any:
    return render_form("meetings/edit.html", form, meeting=meeting)


@bp.route("/new", methods=["GET", "POST"])
@roles(*STAFF)
def create() -> Any:
    form = meeting_form(None)
    if form.validate_on_submit():
        meeting = Meeting(created_by_id=current_user.id)
        apply_meeting_form(form, meeting)
        db.session.add(meeting)
        db.session.flush()
        record_audit("meetings.created", target=f"meeting:{meeting.id}")
        db.session.commit()
        flash("Meeting created.", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)
    return render_meeting_form(form, None)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.overrides))
    form = meeting_form(meeting)
    if form.validate_on_submit():
        before = (meeting.start_at, meeting.end_at, meeting.timezone, meeting.venue)
        before += (meeting.online_url, meeting.status)
        dropped = apply_meeting_form(form, meeting)
        save_meeting_changes(meeting, before, current_user)
        flash("Meeting saved." if not meeting.rrule else "The whole series is saved.", "success")
        flash_dropped(dropped)
        return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)
    return render_meeting_form(form, meeting)


@bp.get("/next")
@roles(*EVERYONE)
def next_meetings() -> str:
    upcoming = (
        select(Meeting)
        .where(Meeting.last_end_at >= utcnow(), Meeting.status != "cancelled")
        .options(selectinload(Meeting.overrides))
        .order_by(Meeting.start_at)
    )
    candidates = db.session.scalars(visible_filter(current_user, upcoming).limit(10)).all()
    meetings = visible(current_user, list(candidates))[:5]
    if wants_fragment():
        return render_template("meetings/_next.html", meetings=meetings)
    return render_template("meetings/next.html", meetings=meetings)
