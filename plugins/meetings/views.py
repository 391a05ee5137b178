"""The meetings pages: list, meeting, agenda, participants, minutes, action items, calendars."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from intranet.plugin_api import (
    EVERYONE,
    STAFF,
    Attachment,
    AttachmentError,
    ResourceRef,
    User,
    can,
    collect,
    db,
    delete_attachment,
    external_url,
    public,
    record_audit,
    roles,
    save_upload,
    spreadsheet_cell,
    utcnow,
)
from plugins.meetings import forms, notices
from plugins.meetings.calendar import (
    Occurrence,
    occurrence_at,
    occurrence_on,
    series_occurrences,
)
from plugins.meetings.models import (
    MODES,
    RESPONSES,
    ActionItem,
    AgendaItem,
    Decision,
    FeedToken,
    Meeting,
    Minutes,
    OccurrenceOverride,
    Participant,
    Series,
)

bp = Blueprint(
    "meetings",
    __name__,
    url_prefix="/meetings",
    template_folder="templates",
    static_folder="static",
)
# Calendar clients cannot sign in; the personal feed lives outside /meetings at /calendar.
feed_bp = Blueprint("meetings_feed", __name__)

PAGE_SIZE = 20
# Open action items listed as matters arising on a meeting's page, the soonest due.
ARISING_SHOWN = 20


# --- helpers --------------------------------------------------------------------------------


def wants_fragment() -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@bp.app_template_filter("meetings_when")
def when(moment: datetime | None, zone: str | None = None) -> str:
    """A time as people read it, in `zone` (default: the viewer's own time zone)."""
    if moment is None:
        return ""
    if zone is None:
        zone = getattr(current_user, "timezone", None)
    local = moment.astimezone(zone_of(zone))
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or "")


@bp.app_template_filter("meetings_next_occurrence")
def next_occurrence(meeting: Meeting) -> Occurrence | None:
    """The next occurrence of a series, its own changes applied (None for a single meeting)."""
    if not meeting.rrule:
        return None
    upcoming = series_occurrences(meeting, after=utcnow())
    return upcoming[0] if upcoming else None


def may_view(user: Any, meeting: Meeting) -> bool:
    """Members see meetings unless a plugin vetoes; guests need a grant of it or its series."""
    if can(user, "meetings.view", ResourceRef("meetings.meeting", meeting.id)):
        return True
    return meeting.series_id is not None and can(
        user, "meetings.view", ResourceRef("meetings.series", meeting.series_id)
    )


def visible(user: Any, meetings: list[Meeting]) -> list[Meeting]:
    return [meeting for meeting in meetings if may_view(user, meeting)]


def meeting_or_404(meeting_id: int, *options: Any) -> Meeting:
    meeting = (
        db.session.execute(select(Meeting).where(Meeting.id == meeting_id).options(*options))
        .unique()
        .scalar_one_or_none()
    )
    if meeting is None or not may_view(current_user, meeting):
        abort(404)
    return meeting


def series_end(meeting: Meeting) -> datetime:
    """When the last occurrence ends, a moved one included."""
    ends = [occurrence.end_at for occurrence in series_occurrences(meeting)]
    return max(ends, default=meeting.end_at)


def same_body(meeting: Meeting) -> Any:
    """Meetings of the same series, else of the same owner, else of the same kind."""
    if meeting.series_id is not None:
        return Meeting.series_id == meeting.series_id
    if meeting.owner_kind:
        return (Meeting.owner_kind == meeting.owner_kind) & (Meeting.owner_id == meeting.owner_id)
    return (
        (Meeting.kind == meeting.kind) & Meeting.series_id.is_(None) & Meeting.owner_kind.is_(None)
    )


def matters_arising(meeting: Meeting) -> Any:
    """The open action items of earlier meetings of the same body, the soonest due first.

    The index on (status, due_on, id, meeting_id) lets a LIMIT stop after the first few
    instead of sorting every open action item of the body.
    """
    return (
        select(ActionItem)
        .join(ActionItem.meeting)
        .where(same_body(meeting), Meeting.start_at < meeting.start_at, ActionItem.status == "open")
        .options(joinedload(ActionItem.owner_user), contains_eager(ActionItem.meeting))
        .order_by(ActionItem.due_on, ActionItem.id)
    )


def carried_forward(meeting: Meeting) -> tuple[Meeting | None, list[ActionItem], bool]:
    """The previous meeting of the same body (its minutes to approve), the first matters
    arising and whether there are more of them."""
    previous = db.session.scalar(
        select(Meeting)
        .where(
            same_body(meeting), Meeting.start_at < meeting.start_at, Meeting.status != "cancelled"
        )
        .options(joinedload(Meeting.minutes))
        .order_by(Meeting.start_at.desc())
        .limit(1)
    )
    arising = list(db.session.scalars(matters_arising(meeting).limit(ARISING_SHOWN + 1)))
    if current_user.is_guest:  # a grant of this meeting is not a grant of the earlier ones
        if previous is not None and not may_view(current_user, previous):
            previous = None
        arising = [item for item in arising if may_view(current_user, item.meeting)]
    return previous, arising[:ARISING_SHOWN], len(arising) > ARISING_SHOWN


AGENDA_ITEM = "meetings.agenda_item"


def agenda_documents(meeting: Meeting) -> dict[int, list[Attachment]]:
    """The documents of every agenda item of the meeting, in one query."""
    ids = [item.id for item in meeting.agenda_items]
    return agenda_documents_for(ids) if ids else {}


def may_view_agenda_item(user: Any, item_id: int) -> bool:
    """Documents of an agenda item are for whoever may see its meeting."""
    item = db.session.get(AgendaItem, item_id)
    return item is not None and may_view(user, item.meeting)


def running_times(meeting: Meeting) -> list[tuple[AgendaItem, datetime, datetime]]:
    moment = meeting.start_at
    rows = []
    for item in meeting.agenda_items:
        end = moment + timedelta(minutes=item.duration_minutes)
        rows.append((item, moment, end))
        moment = end
    return rows


def owner_choices() -> list[tuple[str, str]]:
    """Bodies that can own a meeting, offered by other plugins (sub-groups) through hooks."""
    resources = collect("intranet_grantable_resources", user=current_user)
    return [
        (f"{resource.ref.kind}:{resource.ref.id}", resource.label)
        for resource in resources
        if not resource.ref.kind.startswith("meetings.")
    ]


def today_for(user: Any) -> Any:
    return utcnow().astimezone(zone_of(getattr(user, "timezone", None))).date()


# --- list and meeting page ------------------------------------------------------------------


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
    if current_user.is_guest:
        candidates = visible(current_user, list(db.session.scalars(query)))
        total = len(candidates)
        meetings = candidates[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    else:
        pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
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


def meeting_page(meeting: Meeting, *, status: int | None = None, **context: Any) -> Any:
    previous, arising, more_arising = carried_forward(meeting)
    mine = next((p for p in meeting.participants if p.user_id == current_user.id), None)
    response_form = context.pop("response_form", None) or forms.ResponseForm(
        response=mine.response if mine and mine.response else "attending",
        mode=mine.mode if mine and mine.mode else "in-person",
    )
    html = render_template(
        "meetings/meeting.html",
        meeting=meeting,
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
        occurrence=context.pop("occurrence", None),
        **context,
    )
    return (html, status) if status else html


FULL_MEETING = (
    joinedload(Meeting.agenda_items),  # a handful of rows, joined to save a round trip
    selectinload(Meeting.participants).joinedload(Participant.user),
    selectinload(Meeting.decisions),
    selectinload(Meeting.action_items).joinedload(ActionItem.owner_user),
    joinedload(Meeting.minutes),
    joinedload(Meeting.series),
    selectinload(Meeting.overrides),
)


@bp.get("/<int:meeting_id>")
@roles(*EVERYONE)
def show(meeting_id: int) -> Any:
    return meeting_page(meeting_or_404(meeting_id, *FULL_MEETING))


# --- create and edit ------------------------------------------------------------------------


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
    meeting.owner_id = int(owner_id) if owner_kind and owner_id.isdigit() else None
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
    elif form.series.data and form.series.data.isdigit():
        meeting.series = db.session.get(Series, int(form.series.data))
    else:
        meeting.series = None
    dropped = drop_stale_overrides(meeting)
    meeting.last_end_at = series_end(meeting)
    return dropped


def drop_stale_overrides(meeting: Meeting) -> list[date]:
    """Forget the changes to single occurrences whose date the series no longer has (another
    rule, a skipped date); the others are kept, with whatever they did not change following
    the series. Returns the dates forgotten."""
    scheduled = {occurrence.day for occurrence in series_occurrences(meeting)}
    stale = [o for o in meeting.overrides if not meeting.rrule or o.occurs_on not in scheduled]
    for override in stale:
        meeting.overrides.remove(override)
    return [override.occurs_on for override in stale]


def meeting_changes(before: tuple[Any, ...], meeting: Meeting) -> list[tuple[str, str]]:
    """What invitees need to know changed: time, time zone, venue, online link."""
    start_at, end_at, timezone, venue, online_url, _status = before
    changes = []
    if (start_at, end_at) != (meeting.start_at, meeting.end_at):
        changes.append(
            (
                "New time",
                f"{when(meeting.start_at, meeting.timezone)} to "
                f"{when(meeting.end_at, meeting.timezone)}",
            )
        )
    if timezone != meeting.timezone:
        changes.append(("Time zone", meeting.timezone))
    if venue != meeting.venue:
        changes.append(("Venue", meeting.venue or "none"))
    if online_url != meeting.online_url:
        changes.append(("Online link", meeting.online_url or "none"))
    return changes


def render_meeting_form(form: forms.MeetingForm, meeting: Meeting | None) -> Any:
    html = render_template("meetings/edit.html", form=form, meeting=meeting)
    return (html, 422) if request.method == "POST" and form.errors else html


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
        save_meeting_changes(meeting, before)
        flash("Meeting saved." if not meeting.rrule else "The whole series is saved.", "success")
        flash_dropped(dropped)
        return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)
    return render_meeting_form(form, meeting)


def flash_dropped(dropped: list[date]) -> None:
    if dropped:
        days = ", ".join(day.isoformat() for day in dropped)
        flash(
            f"The series no longer meets on {days}, so the changes made to those occurrences "
            "alone were removed.",
            "warning",
        )


def save_meeting_changes(meeting: Meeting, before: tuple[Any, ...]) -> None:
    """Commit an edit of a meeting or a whole series and tell its invitees what changed."""
    changes = meeting_changes(before, meeting)
    record_audit("meetings.updated", target=f"meeting:{meeting.id}")
    db.session.commit()
    if meeting.is_cancelled and before[5] != "cancelled":
        notices.cancelled(meeting, current_user)
    elif changes and not meeting.is_cancelled:
        notices.changed(meeting, changes, current_user)


# --- single occurrences of a series ---------------------------------------------------------


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
    html = render_template(
        "meetings/edit_occurrence.html", form=form, meeting=meeting, day=day, stale=stale
    )
    return (html, 422) if request.method == "POST" else html


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
        save_meeting_changes(meeting, before)
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
    record_audit("meetings.occurrence_updated", target=f"meeting:{meeting.id}:{after.day}")
    db.session.commit()
    if after.cancelled and not before.cancelled:
        notices.occurrence_cancelled(after, current_user)
        return
    changes = occurrence_changes(before, after)
    if changes and not after.cancelled:
        notices.occurrence_changed(after, changes, current_user)


def occurrence_changes(before: Occurrence, after: Occurrence) -> list[tuple[str, str]]:
    zone = after.meeting.timezone
    changes = []
    if before.cancelled and not after.cancelled:
        changes.append(("Status", "takes place again"))
    if (before.start_at, before.end_at) != (after.start_at, after.end_at):
        changes.append(("New time", f"{when(after.start_at, zone)} to {when(after.end_at, zone)}"))
    if before.venue != after.venue:
        changes.append(("Venue", after.venue or "none"))
    if before.online_url != after.online_url:
        changes.append(("Online link", after.online_url or "none"))
    return changes


# --- agenda ---------------------------------------------------------------------------------


def agenda_fragment(meeting: Meeting, *, message: str = "", status: int = 200) -> Any:
    previous, arising, more_arising = carried_forward(meeting)
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


def simple_form(form: Any, title: str, meeting: Meeting, action: str) -> Any:
    html = render_template(
        "meetings/form.html", form=form, title=title, meeting=meeting, action=action
    )
    return (html, 422) if request.method == "POST" and form.errors else html


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@roles(*STAFF)
def add_agenda_item(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.agenda_items))
    form = forms.AgendaItemForm()
    if form.validate_on_submit():
        item = AgendaItem(position=len(meeting.agenda_items) + 1)
        form.populate_obj(item)
        meeting.agenda_items.append(item)
        db.session.commit()
        return back_to_agenda(meeting)
    action = url_for("meetings.add_agenda_item", meeting_id=meeting.id)
    return simple_form(form, "Add an agenda item", meeting, action)


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
    if form.validate_on_submit():
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


def attachments_of(item: AgendaItem) -> list[Attachment]:
    return agenda_documents_for([item.id]).get(item.id, [])


def agenda_documents_for(ids: list[int]) -> dict[int, list[Attachment]]:
    documents: dict[int, list[Attachment]] = {}
    for attachment in db.session.scalars(
        select(Attachment)
        .where(
            Attachment.owner == "meetings",
            Attachment.object_kind == AGENDA_ITEM,
            Attachment.object_id.in_(ids),
        )
        .order_by(Attachment.created_at, Attachment.id)
    ):
        documents.setdefault(attachment.object_id, []).append(attachment)
    return documents


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
            attachment = save_upload(
                upload,
                "meetings",
                AGENDA_ITEM,
                item.id,
                current_user,
            )
        except AttachmentError as error:
            form.document.errors = [str(error)]
        else:
            record_audit("meetings.document_added", target=f"attachment:{attachment.id}")
            db.session.commit()
            flash(f"“{attachment.filename}” added to “{item.title}”.", "success")
            return back_to_agenda(meeting)
    html = render_template(
        "meetings/documents.html",
        meeting=meeting,
        item=item,
        form=form,
        documents=attachments_of(item),
    )
    return (html, 422) if request.method == "POST" else html


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/documents/<int:attachment_id>/delete")
@roles(*STAFF)
def delete_agenda_document(meeting_id: int, item_id: int, attachment_id: int) -> Response:
    meeting, item = agenda_item_or_404(meeting_id, item_id)
    attachment = next((a for a in attachments_of(item) if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    name = attachment.filename
    record_audit("meetings.document_removed", target=f"attachment:{attachment.id}")
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
        if item_id.isdigit() and int(item_id) in order:
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


# --- participants ---------------------------------------------------------------------------


def invitable_guests(meeting: Meeting) -> list[User]:
    guests = db.session.scalars(
        select(User).where(User.role == "guest", User.is_active_account).order_by(User.name)
    )
    return visible_to(meeting, list(guests))


def visible_to(meeting: Meeting, users: list[User]) -> list[User]:
    return [user for user in users if may_view(user, meeting)]


def invitable_groups() -> list[Any]:
    """Sub-groups the inviting user may pick, as offered by whichever plugin owns them."""
    return [
        resource
        for resource in collect("intranet_grantable_resources", user=current_user)
        if resource.ref.kind == "subgroups.group"
    ]


def group_members(meeting: Meeting, group: ResourceRef) -> set[int]:
    """Active members of a sub-group, through intranet_resource_members; guests among them
    only when they may see the meeting."""
    people = [
        user for user in collect("intranet_resource_members", resource=group) if user.is_active
    ]
    return {user.id for user in people if not user.is_guest or may_view(user, meeting)}


@bp.route("/<int:meeting_id>/invite", methods=["GET", "POST"])
@roles(*STAFF)
def invite(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.participants))
    form = forms.InviteForm()
    members = db.session.scalars(
        select(User)
        .where(User.role != "guest", User.is_active_account)
        .order_by(User.country_code, User.name)
    ).all()
    guests = invitable_guests(meeting)
    form.members.choices = [(u.id, f"{u.name} ({u.country_code or 'no country'})") for u in members]
    form.guests.choices = [(u.id, u.name) for u in guests]
    groups = invitable_groups()
    if groups:
        form.group.choices = [("", "None"), *[(str(r.ref.id), r.label) for r in groups]]
    else:
        del form.group
    if form.validate_on_submit():
        chosen = set(form.members.data or []) & {u.id for u in members}
        chosen |= set(form.guests.data or []) & {u.id for u in guests}
        if groups and form.group.data:
            chosen |= group_members(meeting, ResourceRef("subgroups.group", int(form.group.data)))
        if form.delegation.data:
            code = form.delegation.data.upper()
            chosen |= {u.id for u in members if (u.country_code or "").upper() == code}
        already = {p.user_id for p in meeting.participants}
        new_ids = sorted(chosen - already)
        for user_id in new_ids:
            meeting.participants.append(Participant(user_id=user_id))
        db.session.commit()
        if new_ids and not meeting.is_cancelled:
            invitees = db.session.scalars(select(User).where(User.id.in_(new_ids))).all()
            notices.invited(meeting, invitees, current_user)
        flash(f"{len(new_ids)} invited.", "success")
        return redirect(url_for("meetings.participants", meeting_id=meeting.id), code=303)
    action = url_for("meetings.invite", meeting_id=meeting.id)
    return simple_form(form, "Invite participants", meeting, action)


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
        groups.setdefault(participant.user.country_code or "-", []).append(participant)
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
    meeting = meeting_or_404(meeting_id, *PARTICIPANT_OPTIONS)
    present = {int(value) for value in request.form.getlist("attended") if value.isdigit()}
    for participant in meeting.participants:
        participant.attended = participant.id in present
    db.session.commit()
    flash("Attendance recorded.", "success")
    return redirect(url_for("meetings.participants", meeting_id=meeting.id), code=303)


# --- minutes, decisions, action items -------------------------------------------------------


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@roles(*STAFF)
def minutes(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id, joinedload(Meeting.minutes))
    document = meeting.minutes or Minutes(body="", status="draft")
    form = forms.MinutesForm(obj=document)
    if form.validate_on_submit():
        approved = document.status != "approved" and form.status.data == "approved"
        if approved:
            document.approved_at = utcnow()
        form.populate_obj(document)
        meeting.minutes = document
        db.session.commit()
        if approved:
            notices.minutes_approved(meeting, current_user)
        flash("Minutes saved.", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#minutes", code=303)
    action = url_for("meetings.minutes", meeting_id=meeting.id)
    return simple_form(form, "Minutes", meeting, action)


@bp.route("/<int:meeting_id>/decisions/new", methods=["GET", "POST"])
@roles(*STAFF)
def add_decision(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        db.session.add(
            Decision(
                meeting_id=meeting.id, reference=form.reference.data or "", text=form.text.data
            )
        )
        db.session.commit()
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#decisions", code=303)
    action = url_for("meetings.add_decision", meeting_id=meeting.id)
    return simple_form(form, "Record a decision", meeting, action)


@bp.route("/<int:meeting_id>/actions/new", methods=["GET", "POST"])
@roles(*STAFF)
def add_action_item(meeting_id: int) -> Any:
    meeting = meeting_or_404(meeting_id)
    form = forms.ActionItemForm()
    people = db.session.execute(
        select(User.id, User.name).where(User.is_active_account).order_by(User.name)
    ).all()
    form.owner_user.choices = [("", "A delegation (below)"), *[(str(i), n) for i, n in people]]
    if form.validate_on_submit():
        owner = form.owner_user.data
        item = ActionItem(
            meeting_id=meeting.id,
            title=form.title.data.strip(),
            owner_user_id=int(owner) if owner and owner.isdigit() else None,
            owner_country=(form.owner_country.data or "").upper() or None,
            due_on=form.due_on.data,
        )
        db.session.add(item)
        db.session.commit()
        notices.action_assigned(item, current_user)
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#actions", code=303)
    action = url_for("meetings.add_action_item", meeting_id=meeting.id)
    return simple_form(form, "Add an action item", meeting, action)


def owns(user: Any, item: ActionItem) -> bool:
    if item.owner_user_id == user.id:
        return True
    return bool(item.owner_country) and item.owner_country == (user.country_code or "").upper()


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
        db.session.commit()
        flash("Action item updated.", "success")
    else:
        flash("Choose open, done or dropped.", "error")
    target = request.form.get("next", "")
    if not is_local_path(target):
        target = url_for("meetings.my_actions")
    return redirect(target, code=303)


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


def my_action_items(user: Any) -> list[ActionItem]:
    owner = ActionItem.owner_user_id == user.id
    if user.country_code:
        owner = or_(owner, ActionItem.owner_country == user.country_code.upper())
    items = db.session.scalars(
        select(ActionItem)
        .where(owner)
        .options(joinedload(ActionItem.meeting), joinedload(ActionItem.owner_user))
        .order_by(ActionItem.status != "open", ActionItem.due_on, ActionItem.id)
    ).all()
    return [item for item in items if may_view(user, item.meeting)]


@bp.get("/actions")
@roles(*EVERYONE)
def my_actions() -> str:
    items = my_action_items(current_user)
    if request.args.get("open"):
        items = [item for item in items if item.status == "open"]
    context = {
        "items": items,
        "today": today_for(current_user),
        "status_form": forms.ActionStatusForm(),
    }
    if wants_fragment():
        return render_template("meetings/_my_actions.html", **context)
    return render_template("meetings/my_actions.html", **context)


@bp.get("/next")
@roles(*EVERYONE)
def next_meetings() -> str:
    candidates = db.session.scalars(
        select(Meeting)
        .where(Meeting.last_end_at >= utcnow(), Meeting.status != "cancelled")
        .options(selectinload(Meeting.overrides))
        .order_by(Meeting.start_at)
        .limit(50 if current_user.is_guest else 10)
    ).all()
    meetings = visible(current_user, list(candidates))[:5]
    if wants_fragment():
        return render_template("meetings/_next.html", meetings=meetings)
    return render_template("meetings/next.html", meetings=meetings)


# --- calendars ------------------------------------------------------------------------------


def host() -> str:
    return urlsplit(external_url("meetings.index")).hostname or "intranet"


def meeting_url(meeting: Meeting, day: date | None = None) -> str:
    """The full address of a meeting, or of one occurrence of its series."""
    if day is None:
        return external_url("meetings.show", meeting_id=meeting.id)
    return external_url("meetings.show_occurrence", meeting_id=meeting.id, day=day.isoformat())


def ics_response(meetings: Iterable[Meeting], name: str, filename: str) -> Response:
    from plugins.meetings.ics import calendar  # only calendar requests pay for icalendar

    return Response(
        calendar(meetings, host(), name, meeting_url),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.get("/<int:meeting_id>.ics")
@roles(*EVERYONE)
def meeting_ics(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id, selectinload(Meeting.overrides))
    return ics_response([meeting], meeting.title, f"meeting-{meeting.id}.ics")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@bp.get("/calendar")
@roles(*EVERYONE)
def feed_settings() -> str:
    has_feed = db.session.get(FeedToken, current_user.id) is not None
    return render_template(
        "meetings/feed.html", has_feed=has_feed, feed_url=session.pop("meetings_feed_url", None)
    )


@bp.post("/calendar")
@roles(*EVERYONE)
def regenerate_feed() -> Response:
    """A new secret feed address; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    feed = db.session.get(FeedToken, current_user.id) or FeedToken(user_id=current_user.id)
    feed.token_hash = token_digest(token)
    feed.created_at = utcnow()
    db.session.add(feed)
    record_audit("meetings.feed_regenerated", target=f"user:{current_user.id}")
    db.session.commit()
    # Shown once, on the next page; only the digest is stored.
    session["meetings_feed_url"] = external_url("meetings_feed.feed", token=token)
    return redirect(url_for("meetings.feed_settings"), code=303)


@bp.post("/calendar/revoke")
@roles(*EVERYONE)
def revoke_feed() -> Response:
    feed = db.session.get(FeedToken, current_user.id)
    if feed is not None:
        db.session.delete(feed)
        db.session.commit()
    flash("Your calendar feed address no longer works.", "success")
    return redirect(url_for("meetings.feed_settings"), code=303)


def feed_meetings(user: User) -> list[Meeting]:
    """The user's meetings: those they were invited to and did not decline, still visible."""
    meetings = db.session.scalars(
        select(Meeting)
        .join(Participant)
        .where(
            Participant.user_id == user.id,
            or_(Participant.response.is_(None), Participant.response != "not-attending"),
            Meeting.last_end_at >= utcnow() - timedelta(days=180),
        )
        .options(selectinload(Meeting.overrides))
        .order_by(Meeting.start_at)
    ).all()
    return visible(user, list(meetings))


@feed_bp.get("/calendar/<token>.ics")
@public
def feed(token: str) -> Response:
    user = db.session.scalar(
        select(User)
        .join(FeedToken, FeedToken.user_id == User.id)
        .where(FeedToken.token_hash == token_digest(token))
    )
    if user is None or not user.is_active:
        abort(404)
    return ics_response(feed_meetings(user), f"Meetings of {user.name}", "meetings.ics")
