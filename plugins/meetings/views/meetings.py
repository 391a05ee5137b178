"""The list of meetings, a meeting's page, creating and editing a meeting or a whole series,
and the dashboard's next meetings."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from intranet.plugin_api import (
    EVERYONE,
    STAFF,
    db,
    picker_query,
    plural,
    record_audit,
    render_form,
    roles,
    time_zone,
    utcnow,
    wants_fragment,
)

from .. import forms
from ..calendar import occurrences, rule_starts
from ..contributions import held_in
from ..models import Meeting, Minutes, Series
from ..recurrence import awkward_starts, describe, read_rule
from ..rules import minutes_filter, shows_minutes, visible, visible_conditions, visible_filter
from ..services import drop_stale_overrides, save_meeting_changes, series_end
from ..upcoming import page_of_upcoming, upcoming_meetings
from ..zones import COUNTRY_ZONES, zone_choices, zone_label
from . import pickers
from .blueprint import bp
from .common import (
    FULL_MEETING,
    flash_dropped,
    meeting_or_404,
    meeting_page,
    period_args,
    period_words,
    requested_period,
)

PAGE_SIZE = 20


@bp.get("/")
@roles(*EVERYONE)
def index() -> str:
    past = request.args.get("when") == "past"
    period = requested_period() if past else None
    page = max(request.args.get("page", 1, type=int), 1)
    now = utcnow()
    found = past_meetings(now, period, page) if past else upcoming_page(now, page)
    # A page and one more meeting: whether there is a next page, without counting them all
    # (a period's list says how many meetings it held, as the activity report does).
    meetings = visible(current_user, found[:PAGE_SIZE])
    template = "meetings/_list.html" if wants_fragment() else "meetings/index.html"
    return render_template(
        template,
        meetings=meetings,
        readable_minutes={
            m.id for m in meetings if past and shows_minutes(current_user, m.minutes)
        },
        past=past,
        period=period,
        period_words=period_words(period) if period else "",
        list_args={"when": "past", **period_args(period)} if past else {},
        page=page,
        total=count_past(now, period) if period else None,
        has_next=len(found) > PAGE_SIZE,
        now=now,
    )


def past_meetings(now: datetime, period: Any, page: int) -> list[Meeting]:
    """One page of the meetings over (held in `period`, if given), newest first, and the first
    of the next page, with their minutes, whose beginning the list shows."""
    query = select(Meeting).options(selectinload(Meeting.overrides), selectinload(Meeting.minutes))
    # Begun before now as well (every meeting does, being over): the index on start_at then
    # reads the past from now backwards instead of stepping over every meeting ahead first.
    query = query.where(*over(now, period))
    query = query.order_by(Meeting.start_at.desc(), Meeting.id.desc())
    query = query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    return list(db.session.scalars(visible_filter(current_user, query)))


def over(now: datetime, period: Any) -> list[Any]:
    """Meetings over by `now`, held in `period` (as the activity report counts them) if given."""
    return [
        Meeting.last_end_at < now,
        Meeting.start_at < now,
        *([held_in(*period)] if period else []),
    ]


def count_past(now: datetime, period: Any) -> int:
    query = visible_filter(current_user, select(Meeting.id).where(*over(now, period)))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def upcoming_page(now: datetime, page: int) -> list[Meeting]:
    """One page of the meetings not over yet, soonest first, and the first of the next page."""
    seen = visible_conditions(current_user, Meeting.last_end_at >= now)
    listed = page_of_upcoming(now, *seen, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    query = upcoming_meetings(listed).options(selectinload(Meeting.overrides))
    return list(db.session.scalars(query))


@bp.get("/<int:meeting_id>")
@roles(*EVERYONE)
def show(meeting_id: int) -> Any:
    return meeting_page(meeting_or_404(meeting_id, *FULL_MEETING))


def meeting_form(meeting: Meeting | None) -> forms.MeetingForm:
    if meeting is None:
        form = forms.MeetingForm()
    else:
        start = meeting.local_start.replace(tzinfo=None)
        choice = read_rule(meeting.rrule, start)
        repeats = asdict(choice) if choice else {"frequency": "keep"}
        form = forms.MeetingForm(
            obj=meeting,
            start=start,
            end=meeting.local_end.replace(tzinfo=None),
            owner=f"{meeting.owner_kind}:{meeting.owner_id}" if meeting.owner_kind else "",
            series=str(meeting.series_id or ""),
            repeats=repeats.pop("frequency"),
            **repeats,
        )
        if not form.is_submitted():  # the stored list, not the obj's attribute as it is
            form.exdates.data = "\n".join(meeting.exdates or [])
        if choice is None:  # a rule written by hand before the picker: kept unless changed
            form.kept_rule = meeting.rrule
            keep = ("keep", f"As now: {describe(meeting.rrule, start)}")
            form.repeats.choices = [keep, *form.repeats.choices]
    form.fallback_zone = current_user.timezone or "UTC"
    form.timezone.choices = zone_choices("The host country's time zone (or yours)")
    if meeting is not None and not any(
        meeting.timezone == value for group in form.timezone.choices.values() for value, _ in group
    ):
        form.timezone.choices["Other"].append((meeting.timezone, zone_label(meeting.timezone)))
    return form


def chosen_owner(form: forms.MeetingForm, meeting: Meeting | None) -> list[tuple[str, str]]:
    """The sub-group the form names as owner, with its name: one the user may choose, or the
    one the meeting has now (even when it is no longer offered, e.g. archived)."""
    value = form.owner.data or ""
    kind, _, number = value.rpartition(":")
    if kind != pickers.GROUP_KIND or not number.isdecimal():
        return []
    chosen = pickers.owner_choices(pickers.groups_named([number]))
    if not chosen and meeting is not None and value == f"{meeting.owner_kind}:{meeting.owner_id}":
        chosen = [(value, "Its sub-group now (no longer open to new meetings)")]
    return chosen


def meeting_pickers(form: forms.MeetingForm, meeting: Meeting | None) -> dict[str, Any]:
    """The owner's and the series' pickers; an entry sent that is not offered is an error."""
    owner = chosen_owner(form, meeting)
    series = pickers.series_named([form.series.data]) if form.series.data else []
    if form.owner.data and not owner and not form.owner.errors:
        form.owner.errors = [*form.owner.errors, "Choose one of the listed entries."]
    if form.series.data and not series and not form.series.errors:
        form.series.errors = [*form.series.errors, "Choose one of the listed entries."]
    return {
        "owner": pickers.picker_context("owner", owner),
        "series": pickers.picker_context("series", series),
    }


def searching() -> bool:
    """Whether the form was sent by a picker's "Find" (without JavaScript): then it is shown
    again with the matches, not saved."""
    return any(picker_query(field) is not None for field in ("owner", "series"))


def apply_meeting_form(form: forms.MeetingForm, meeting: Meeting) -> list[date]:
    """Apply the form to the meeting (or the whole series); returns the dates of occurrences
    whose own changes were dropped because the series no longer has them."""
    zone = time_zone(form.timezone.data)
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
    meeting.rrule = form.rule
    meeting.exdates = form.exdates.data.split() if form.exdates.data and form.rule else []
    if form.new_series.data:
        meeting.series = Series(title=form.new_series.data.strip())
    elif form.series.data and form.series.data.isdecimal():
        meeting.series = db.session.get(Series, int(form.series.data))
    else:
        meeting.series = None
    dropped = drop_stale_overrides(meeting)
    meeting.last_end_at = series_end(meeting)
    return dropped


def planned_starts(form: forms.MeetingForm) -> list[datetime]:
    """The local starts the valid form schedules, skipped dates left out."""
    if not form.rule:
        return [form.start.data]
    skipped = set((form.exdates.data or "").split())
    return [
        moment
        for moment in rule_starts(form.rule, form.start.data)
        if moment.date().isoformat() not in skipped
    ]


def dates_preview(form: forms.MeetingForm) -> dict[str, Any]:
    """What the list of dates shows: the sentence, every date the choices schedule (each with
    a box to skip it), the skipped ones, those on a weekend or a public holiday of the host
    country that are not skipped (with why)."""
    if not form.start.data or form.start.errors or form.repeats.errors:
        return {"ready": False}
    scheduled = rule_starts(form.rule, form.start.data) if form.rule else [form.start.data]
    skipped = set((form.exdates.data or "").split())
    return {
        "ready": True,
        "series": bool(form.rule),
        "sentence": describe(form.rule, form.start.data),
        "starts": scheduled,
        "skipped": skipped,
        "flagged": awkward_starts(planned_starts(form), form.host_country.data),
    }


def weekend_refused(form: forms.MeetingForm, known: frozenset[datetime] = frozenset()) -> bool:
    """Flag meetings on a Saturday, a Sunday or a public holiday of the host country before
    saving: refused until the editor ticks that they are meant. Those already scheduled
    (`known`, local starts) were confirmed."""
    flagged = awkward_starts(planned_starts(form), form.host_country.data)
    awkward = [(start, why) for start, why in flagged.items() if start not in known]
    if not awkward or form.weekend_ok.data:
        return False
    days = "; ".join(f"{moment:%a %d %b %Y} ({why})" for moment, why in awkward[:10])
    more = f" and {len(awkward) - 10} more" if len(awkward) > 10 else ""
    form.weekend_ok.errors = [
        f"{plural(len(awkward), 'of the meetings falls', 'of the meetings fall')} on a weekend "
        f"or a public holiday: {days}{more}. "
        "Tick the box to keep them, or change the dates."
    ]
    return True


def render_meeting_form(form: forms.MeetingForm, meeting: Meeting | None) -> Any:
    if request.method == "GET" and meeting is not None:  # the series' dates, to skip some
        form.rule = meeting.rrule
    ready = (request.method == "POST" and not searching()) or form.rule
    preview = dates_preview(form) if ready else {"ready": False}
    if not preview["ready"]:  # the skipped dates it cannot show go back as hidden fields
        preview["kept"] = (form.exdates.data or "").split()
    return render_form(
        "meetings/edit.html",
        form,
        meeting=meeting,
        preview=preview,
        zones=COUNTRY_ZONES,
        pickers=meeting_pickers(form, meeting),
    )


def ready_to_save(form: forms.MeetingForm, meeting: Meeting | None = None) -> bool:
    """Valid with offered owner and series, not a request to preview the dates or to find an
    owner or a series, and no unconfirmed weekend meetings (new ones: a meeting's own dates
    were confirmed when it was saved)."""
    if searching() or not form.validate_on_submit() or "preview" in request.form:
        return False
    meeting_pickers(form, meeting)
    if form.owner.errors or form.series.errors:
        return False
    known = frozenset()
    if meeting is not None:
        known = frozenset(start.replace(tzinfo=None) for start in occurrences(meeting))
    return not weekend_refused(form, known)


@bp.post("/dates")
@roles(*STAFF)
def preview_dates() -> str:
    """The dates a meeting form schedules, as the editor changes the repeat choices (htmx)."""
    form = meeting_form(None)
    form.validate()
    return render_template("meetings/_dates.html", form=form, preview=dates_preview(form))


@bp.route("/new", methods=["GET", "POST"])
@roles(*STAFF)
def create() -> Any:
    form = meeting_form(None)
    if ready_to_save(form):
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
    if ready_to_save(form, meeting):
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
    now = utcnow()
    held = Meeting.status != "cancelled"
    seen = visible_conditions(current_user, Meeting.last_end_at >= now, held)
    soonest = upcoming_meetings(page_of_upcoming(now, held, *seen, limit=10))
    candidates = db.session.scalars(soonest.options(selectinload(Meeting.overrides))).all()
    meetings = visible(current_user, list(candidates))[:5]
    context = {"meetings": meetings, "latest": latest_minutes()}
    if wants_fragment():
        return render_template("meetings/_next.html", **context)
    return render_template("meetings/next.html", **context)


def latest_minutes() -> Minutes | None:
    """The newest minutes the viewer may read, for the beginning the dashboard shows: of a
    meeting that has begun (the walk back from the newest meeting then starts at now, not at
    the last meeting planned, over every meeting ahead, which has no minutes yet)."""
    found = (
        select(Minutes)
        .join(Minutes.meeting)
        .where(Minutes.body != "", Meeting.start_at < utcnow(), minutes_filter(current_user))
        .options(contains_eager(Minutes.meeting))
        .order_by(Meeting.start_at.desc())
    )
    candidates = db.session.scalars(found.limit(20)).all()
    seen = {meeting.id for meeting in visible(current_user, [m.meeting for m in candidates])}
    return next((minutes for minutes in candidates if minutes.meeting_id in seen), None)
