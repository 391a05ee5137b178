"""Single occurrences of a series: their own page, changing one of them or from it the whole
series, cancelling one, undoing the changes to one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from intranet.plugin_api import EVERYONE, STAFF, db, record_audit, render_form, roles

from .. import forms, notices
from ..calendar import Occurrence, occurrence_at, occurrence_on
from ..models import Meeting, OccurrenceOverride
from ..services import drop_stale_overrides, occurrence_changes, save_meeting_changes, series_end
from .blueprint import bp
from .common import FULL_MEETING, flash_dropped, meeting_or_404, meeting_page


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


def occurrence_path(meeting: Meeting, day: date | None) -> str:
    if day is None:
        return url_for("meetings.show", meeting_id=meeting.id)
    return url_for("meetings.show_occurrence", meeting_id=meeting.id, day=day.isoformat())


@bp.get("/<int:meeting_id>/occurrences/<day>")
@roles(*EVERYONE)
def show_occurrence(meeting_id: int, day: str) -> Any:
    """The meeting page of one occurrence: its own time, place and status."""
    meeting, occurrence = occurrence_or_404(meeting_id, day, *FULL_MEETING)
    return meeting_page(meeting, occurrence=occurrence)


def occurrence_or_404(meeting_id: int, day: str, *options: Any) -> tuple[Meeting, Occurrence]:
    """The series and its occurrence on `day`; 404 when the series has none that day."""
    meeting = meeting_or_404(meeting_id, *options)
    occurrence = occurrence_on(meeting, parse_day(day))
    if occurrence is None:
        abort(404)
    return meeting, occurrence


def occurrence_form_data(occurrence: Occurrence) -> dict[str, Any]:
    zone = occurrence.meeting.zone
    return {
        "start": occurrence.start_at.astimezone(zone).replace(tzinfo=None),
        "end": occurrence.end_at.astimezone(zone).replace(tzinfo=None),
        "venue": occurrence.venue,
        "online_url": occurrence.online_url,
        "cancelled": occurrence.cancelled and not occurrence.meeting.is_cancelled,
        "scope": "occurrence",
    }


def render_occurrence_form(
    form: forms.OccurrenceForm, meeting: Meeting, day: date, stale: bool = False
) -> Any:
    return render_form(
        "meetings/edit_occurrence.html",
        form,
        status=422 if request.method == "POST" else None,
        meeting=meeting,
        day=day,
        stale=stale,
    )


@bp.route("/<int:meeting_id>/occurrences/<day>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit_occurrence(meeting_id: int, day: str) -> Any:
    """Change one occurrence only, or from it the whole series (its time of day, length, venue
    and link). A date the series does not have (any more) is refused and nothing is stored."""
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.overrides))
    on = parse_day(day)
    occurrence = occurrence_on(meeting, on)
    if occurrence is None and request.method == "GET":
        abort(404)
    form = forms.OccurrenceForm(data=occurrence_form_data(occurrence) if occurrence else None)
    if not form.validate_on_submit() or occurrence is None:
        return render_occurrence_form(form, meeting, on, stale=occurrence is None)
    zone = meeting.zone
    start = form.start.data.replace(tzinfo=zone).astimezone(UTC)
    end = form.end.data.replace(tzinfo=zone).astimezone(UTC)
    venue = (form.venue.data or "").strip()
    online_url = (form.online_url.data or "").strip()
    if form.scope.data == "series":
        if form.start.data.date() != on:
            form.start.errors = [
                "For the whole series only the time of day can change here; to meet on other "
                "days, edit the series and its repeat rule."
            ]
            return render_occurrence_form(form, meeting, on)
        before = (meeting.start_at, meeting.end_at, meeting.timezone, meeting.venue)
        before += (meeting.online_url, meeting.status)
        first = meeting.local_start.date()
        meeting.start_at = datetime.combine(first, form.start.data.time(), zone).astimezone(UTC)
        meeting.end_at = meeting.start_at + (end - start)
        meeting.venue, meeting.online_url = venue, online_url
        if form.cancelled.data:
            meeting.status = "cancelled"
        # A new time of day can move the last occurrence past an UNTIL.
        dropped = drop_stale_overrides(meeting)
        meeting.last_end_at = series_end(meeting)
        save_meeting_changes(meeting, before, current_user)
        flash("The whole series is saved.", "success")
        flash_dropped(dropped)
        still_there = occurrence_on(meeting, on) is not None
        return redirect(occurrence_path(meeting, on if still_there else None), code=303)
    override = occurrence.override or OccurrenceOverride(occurs_on=on)
    scheduled_start = occurrence.scheduled_start.astimezone(UTC)
    scheduled_end = scheduled_start + (meeting.end_at - meeting.start_at)
    override.start_at = None if start == scheduled_start else start
    override.end_at = None if end == scheduled_end else end
    override.venue = None if venue == meeting.venue else venue
    override.online_url = None if online_url == meeting.online_url else online_url
    override.cancelled = bool(form.cancelled.data)
    follows_series = override.cancelled is False and all(
        value is None
        for value in (override.start_at, override.end_at, override.venue, override.online_url)
    )
    if follows_series and occurrence.override is not None:
        meeting.overrides.remove(override)
    elif not follows_series and occurrence.override is None:
        meeting.overrides.append(override)
    save_occurrence(meeting, occurrence)
    flash(
        f"The occurrence on {on.isoformat()} is saved; the rest of the series is unchanged.",
        "success",
    )
    return redirect(occurrence_path(meeting, on), code=303)


@bp.post("/<int:meeting_id>/occurrences/<day>/cancel")
@roles(*STAFF)
def cancel_occurrence(meeting_id: int, day: str) -> Any:
    """Cancel this occurrence only: an exception to the series, kept with the series."""
    meeting, occurrence = occurrence_or_404(meeting_id, day, selectinload(Meeting.overrides))
    if occurrence.override is None:
        meeting.overrides.append(OccurrenceOverride(occurs_on=occurrence.day, cancelled=True))
    else:
        occurrence.override.cancelled = True
    save_occurrence(meeting, occurrence)
    flash(f"The occurrence on {occurrence.day.isoformat()} is cancelled.", "success")
    return redirect(occurrence_path(meeting, occurrence.day), code=303)


@bp.post("/<int:meeting_id>/occurrences/<day>/reset")
@roles(*STAFF)
def reset_occurrence(meeting_id: int, day: str) -> Any:
    """Undo the changes to one occurrence: it follows the series again."""
    meeting, occurrence = occurrence_or_404(meeting_id, day, selectinload(Meeting.overrides))
    if occurrence.override is not None:
        meeting.overrides.remove(occurrence.override)
        save_occurrence(meeting, occurrence)
    flash(f"The occurrence on {occurrence.day.isoformat()} follows the series again.", "success")
    return redirect(occurrence_path(meeting, occurrence.day), code=303)


def save_occurrence(meeting: Meeting, before: Occurrence) -> None:
    """Commit a change to one occurrence and tell the series' invitees about that occurrence."""
    after = occurrence_at(meeting, before.scheduled_start)
    meeting.last_end_at = series_end(meeting)
    changes = occurrence_changes(before, after)
    newly_cancelled = after.cancelled and not before.cancelled
    if newly_cancelled or changes:
        meeting.sequence = (meeting.sequence or 0) + 1  # calendars replace what they hold
    record_audit("meetings.occurrence_updated", target=f"meeting:{meeting.id}:{after.day}")
    db.session.commit()
    if newly_cancelled:
        notices.occurrence_cancelled(after, current_user)
        return
    if changes and not after.cancelled:
        notices.occurrence_changed(after, changes, current_user)
