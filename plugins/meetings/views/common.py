"""What the meetings pages share: finding a meeting the viewer may see, the meeting page, the
plain form page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from intranet.plugin_api import db, render_form, utcnow

from .. import forms
from ..calendar import series_occurrences
from ..models import MODES, RESPONSES, ActionItem, Meeting, Participant
from ..rules import may_view, shows_minutes
from ..services import agenda_documents, carried_forward, running_times, today_for

FULL_MEETING = (
    joinedload(Meeting.agenda_items),  # a handful of rows, joined to save a round trip
    selectinload(Meeting.participants).joinedload(Participant.user),
    selectinload(Meeting.decisions),
    selectinload(Meeting.action_items).options(
        joinedload(ActionItem.owner_user), joinedload(ActionItem.notes)
    ),
    joinedload(Meeting.minutes),
    joinedload(Meeting.series),
    selectinload(Meeting.overrides),
)


def meeting_or_404(meeting_id: int, *options: Any) -> Meeting:
    meeting = (
        db.session.execute(select(Meeting).where(Meeting.id == meeting_id).options(*options))
        .unique()
        .scalar_one_or_none()
    )
    if meeting is None or not may_view(current_user, meeting):
        abort(404)
    return meeting


def meeting_page(meeting: Meeting, *, status: int | None = None, **context: Any) -> Any:
    previous, arising, more_arising = carried_forward(meeting, current_user)
    mine = next((p for p in meeting.participants if p.user_id == current_user.id), None)
    response_form = context.pop("response_form", None) or forms.ResponseForm(
        response=mine.response if mine else None, mode=mine.mode if mine else None
    )
    occurrence = context.pop("occurrence", None)
    html = render_template(
        "meetings/meeting.html",
        meeting=meeting,
        minutes=meeting.minutes if shows_minutes(current_user, meeting.minutes) else None,
        agenda=running_times(meeting),
        documents=agenda_documents(meeting),
        previous=previous,
        arising=arising,
        more_arising=more_arising,
        mine=mine,
        response_form=response_form,
        responses=RESPONSES,
        modes=MODES,
        today=today_for(current_user),
        upcoming=series_occurrences(meeting, after=utcnow())[:5] if meeting.rrule else [],
        occurrence=occurrence,
        held=is_held(meeting, occurrence),
        **context,
    )
    return (html, status) if status else html


def is_held(meeting: Meeting, occurrence: Any = None) -> bool:
    """Whether the meeting (or this occurrence of it) is over: its record, not the answer
    form, comes first on its page."""
    if meeting.is_cancelled or (occurrence is not None and occurrence.cancelled):
        return False
    if occurrence is not None:
        return occurrence.end_at <= utcnow()
    return meeting.status == "held" or meeting.last_end_at <= utcnow()


def simple_form(form: Any, title: str, meeting: Meeting, action: str) -> Any:
    return render_form("meetings/form.html", form, title=title, meeting=meeting, action=action)


def flash_dropped(dropped: list[date]) -> None:
    if dropped:
        days = ", ".join(day.isoformat() for day in dropped)
        flash(
            f"The series no longer meets on {days}, so the changes made to those occurrences "
            "alone were removed.",
            "warning",
        )


def requested_period() -> tuple[date, date] | None:
    """The period `from`..`to` (ISO dates, inclusive) a list is narrowed to, as the activity
    report links it; None when either is missing or unreadable."""
    try:
        start = date.fromisoformat(request.args.get("from", ""))
        end = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        return None
    return (start, end) if start <= end else None


def period_args(period: tuple[date, date] | None) -> dict[str, str]:
    """The query arguments that keep `period` on the next page of a list."""
    return {"from": period[0].isoformat(), "to": period[1].isoformat()} if period else {}


def period_words(period: tuple[date, date]) -> str:
    """from 1 July 2026 to 30 June 2027"""
    start, end = period
    return f"from {start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
