"""Domain operations on meetings shared by the views and the hooks: series ends, changes to
tell invitees about, matters arising, agenda documents, action items and calendar feeds."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_login import current_user
from sqlalchemy import or_, select, update
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from intranet.plugin_api import Attachment, User, db, record_audit, time_zone, utcnow

from . import notices
from .calendar import Occurrence, series_occurrences
from .models import ActionItem, AgendaItem, Meeting, Minutes, Participant
from .rules import AGENDA_ITEM, granted_reach, visible, visible_ids
from .zones import zone_label

# Open action items listed as matters arising on a meeting's page, the soonest due.
ARISING_SHOWN = 20


def zone_of(name: str | None) -> ZoneInfo:
    return time_zone(name)


def when(moment: datetime | None, zone: str | None = None) -> str:
    """A time as people read it, in `zone` (default: the viewer's own time zone)."""
    if moment is None:
        return ""
    if zone is None:
        zone = getattr(current_user, "timezone", None)
    local = moment.astimezone(zone_of(zone))
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or "")


def today_for(user: Any) -> date:
    return utcnow().astimezone(zone_of(getattr(user, "timezone", None))).date()


def series_end(meeting: Meeting) -> datetime:
    """When the last occurrence ends, a moved one included."""
    ends = [occurrence.end_at for occurrence in series_occurrences(meeting)]
    return max(ends, default=meeting.end_at)


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
        changes.append(("Time zone", zone_label(meeting.timezone, meeting.start_at)))
    if venue != meeting.venue:
        changes.append(("Venue", meeting.venue or "none"))
    if online_url != meeting.online_url:
        changes.append(("Online link", meeting.online_url or "none"))
    return changes


def save_meeting_changes(meeting: Meeting, before: tuple[Any, ...], actor: User) -> None:
    """Commit an edit of a meeting or a whole series and tell its invitees what changed."""
    changes = meeting_changes(before, meeting)
    newly_cancelled = meeting.is_cancelled and before[5] != "cancelled"
    if newly_cancelled or changes:
        meeting.sequence = (meeting.sequence or 0) + 1  # calendars replace what they hold
    record_audit("meetings.updated", target=f"meeting:{meeting.id}")
    db.session.commit()
    if newly_cancelled:
        notices.cancelled(meeting, actor)
    elif changes and not meeting.is_cancelled:
        notices.changed(meeting, changes, actor)


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


def same_body(meeting: Meeting) -> Any:
    """Meetings of the body that holds this one, whatever their series: the same sub-group
    (or other owner), or, for the task force's own meetings, those of the same kind (its
    plenaries follow its plenaries, not its workshops)."""
    if meeting.owner_kind:
        return (Meeting.owner_kind == meeting.owner_kind) & (Meeting.owner_id == meeting.owner_id)
    return (Meeting.kind == meeting.kind) & Meeting.owner_kind.is_(None)


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


def carried_forward(meeting: Meeting, viewer: Any) -> tuple[Meeting | None, list[ActionItem], bool]:
    """The previous meeting of the same body (its minutes to approve), the first matters
    arising and whether there are more of them.

    A grant of this meeting is not a grant of the earlier ones: a guest sees the previous
    meeting and the matters arising only from earlier meetings they may see, found with one
    `can_many` for all of them.
    """
    earlier = same_body(meeting) & (Meeting.start_at < meeting.start_at)
    previous = db.session.scalar(
        select(Meeting)
        .where(earlier, Meeting.status != "cancelled")
        .options(joinedload(Meeting.minutes))
        .order_by(Meeting.start_at.desc())
        .limit(1)
    )
    arising = matters_arising(meeting)
    if viewer.is_guest:  # among the meetings granted, not every earlier one of the body
        granted = select(Meeting.id).where(granted_reach(viewer), earlier)
        seen = visible_ids(viewer, db.session.scalars(granted))
        if previous is not None and previous.id not in seen:
            previous = None
        arising = arising.where(Meeting.id.in_(seen))
    found = list(db.session.scalars(arising.limit(ARISING_SHOWN + 1)))
    return previous, found[:ARISING_SHOWN], len(found) > ARISING_SHOWN


def approve_minutes(minutes: Minutes, actor: User, at_meeting: Meeting | None = None) -> None:
    """Record the approval of `minutes` by `actor`, at `at_meeting` (the next meeting of the
    body, under its standing item) or, without one, by the secretariat's own decision; the
    caller commits and tells the invitees."""
    minutes.status = "approved"
    minutes.approved_at = utcnow()
    minutes.approved_by_id = actor.id
    minutes.approved_in = at_meeting
    details = {"at_meeting": at_meeting.id} if at_meeting is not None else {}
    record_audit("meetings.minutes_approved", target=f"meeting:{minutes.meeting_id}", **details)


def running_times(meeting: Meeting) -> list[tuple[AgendaItem, datetime, datetime]]:
    moment = meeting.start_at
    rows = []
    for item in meeting.agenda_items:
        end = moment + timedelta(minutes=item.duration_minutes)
        rows.append((item, moment, end))
        moment = end
    return rows


def minutes_left(meeting: Meeting, without: AgendaItem | None = None) -> int:
    """The minutes of the meeting not yet taken by its agenda (`without` one item, being
    edited)."""
    length = int((meeting.end_at - meeting.start_at).total_seconds() // 60)
    taken = sum(item.duration_minutes for item in meeting.agenda_items if item is not without)
    return max(length - taken, 0)


def copy_agenda(source: Meeting, target: Meeting) -> list[AgendaItem]:
    """Append copies of the source's agenda items (not their documents) to the target's
    agenda, in order, as long as they end by the target's end; returns the items left out."""
    left_out = []
    for item in source.agenda_items:
        if item.duration_minutes > minutes_left(target):
            left_out.append(item)
            continue
        target.agenda_items.append(
            AgendaItem(
                position=len(target.agenda_items) + 1,
                title=item.title,
                presenter=item.presenter,
                duration_minutes=item.duration_minutes,
                description=item.description,
            )
        )
    return left_out


def agenda_documents_for(ids: list[int]) -> dict[int, list[Attachment]]:
    """The documents of the agenda items `ids`, in one query."""
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


def agenda_documents(meeting: Meeting) -> dict[int, list[Attachment]]:
    """The documents of every agenda item of the meeting, in one query."""
    ids = [item.id for item in meeting.agenda_items]
    return agenda_documents_for(ids) if ids else {}


def attachments_of(item: AgendaItem) -> list[Attachment]:
    return agenda_documents_for([item.id]).get(item.id, [])


def owns(user: Any, item: ActionItem) -> bool:
    if item.owner_user_id == user.id:
        return True
    return bool(item.owner_country) and item.owner_country == (user.country_code or "").upper()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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


def mark_held() -> int:
    """Single meetings that ended more than a day ago and were not cancelled are held."""
    result = db.session.execute(
        update(Meeting)
        .where(
            Meeting.status.in_(("planned", "confirmed")),
            Meeting.rrule.is_(None),
            Meeting.end_at < utcnow() - timedelta(days=1),
        )
        .values(status="held")
    )
    db.session.commit()
    return result.rowcount
